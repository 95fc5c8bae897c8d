"""The ladder file format (docs/ladder-format.md): reading, checking and writing
YAML and CSV, without the database."""

import csv
import dataclasses
import io
import json
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml

import ladders
from ladders.ladder_format import (
    MAX_BYTES,
    MAX_CSV_BYTES,
    CompetencyData,
    FormatProblem,
    LadderData,
    LadderFormatError,
    LevelData,
    TrackData,
    max_bytes,
    read_csv,
    read_file,
    read_yaml,
    to_csv,
    to_document,
    to_yaml,
)
from tests.builders import ladder_data, large_ladder_data

DEMO_FILES = sorted((Path(ladders.__file__).parent / "demo").glob("*.yaml"))
BOM = b"\xef\xbb\xbf"


# Helpers -------------------------------------------------------------------------


def document() -> dict:
    """A small valid ladder: IC1, IC2 (grades 1, 2) and M1 (grade 2) over two competencies."""
    return {
        "format": "career-ladder/1",
        "ladder": {"slug": "engineering", "name": "Engineering"},
        "competencies": [
            {"key": "craft", "name": "Craft", "group": "Craft"},
            {"key": "impact", "name": "Impact"},
        ],
        "tracks": [
            {
                "key": "ic",
                "name": "Individual contributor",
                "kind": "ic",
                "levels": [
                    {
                        "code": "IC1",
                        "title": "Engineer I",
                        "grade": 1,
                        "expectations": {"craft": "Writes clear code."},
                    },
                    {"code": "IC2", "title": "Engineer II", "grade": 2},
                ],
            },
            {
                "key": "management",
                "name": "Management",
                "kind": "management",
                "levels": [{"code": "M1", "title": "Manager", "grade": 2}],
            },
        ],
    }


def dump(doc) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()


def changed(path: tuple, value, doc: dict | None = None) -> bytes:
    """The document with the value at ``path`` replaced, as a YAML file."""
    doc = doc or document()
    *parents, last = path
    target = doc
    for step in parents:
        target = target[step]
    target[last] = value
    return dump(doc)


def removed(path: tuple, doc: dict | None = None) -> bytes:
    doc = doc or document()
    *parents, last = path
    target = doc
    for step in parents:
        target = target[step]
    del target[last]
    return dump(doc)


def problems_of(read, data: bytes) -> list[FormatProblem]:
    with pytest.raises(LadderFormatError) as info:
        read(data)
    assert str(info.value), "the error's text lists the problems"
    return info.value.problems


def assert_one_problem(problems: list[FormatProblem], where: str, *phrases: str) -> None:
    """Exactly one problem, at ``where``, whose message holds every phrase."""
    assert [p.where for p in problems] == [where], problems
    for phrase in phrases:
        assert phrase in problems[0].message, problems[0]


def assert_problems_only_at(problems: list[FormatProblem], where: str, *phrases: str) -> None:
    """Every problem is at ``where`` (a wrong shape may also leave the value empty, and
    that is reported too), and one of them holds every phrase."""
    assert {p.where for p in problems} == {where}, problems
    assert any(all(phrase in p.message for phrase in phrases) for p in problems), problems


def messages_at(problems: list[FormatProblem], where: str) -> list[str]:
    return [p.message for p in problems if p.where == where]


def small_ladder() -> LadderData:
    """Two tracks of two levels over two competencies: eight CSV rows, lines 2 to 9,
    in the order IC1, IC2, M1, M2, each with comp-1 then comp-2."""
    return ladder_data(tracks=2, levels=2, competencies=2)


def csv_rows(data: LadderData | None = None) -> list[dict]:
    text = to_csv(data or small_ladder())
    return list(csv.DictReader(io.StringIO(text, newline="")))


def csv_file(rows: list[dict], columns: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns or list(rows[0]), extrasaction="ignore", lineterminator="\r\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def at_line(rows: list[dict], line: int) -> dict:
    """The row a reader finds at ``line`` (the header is line 1)."""
    return rows[line - 2]


def without_description(data: LadderData) -> LadderData:
    return dataclasses.replace(data, description="")


MARKDOWN = (
    "Über **bold**, _emphasis_ and `code`: 日本語, emoji 🎉, «guillemets».\n"
    "\n"
    "- a list item: with a colon # and a hash\n"
    "- another, ending with two spaces for a hard break  \n"
    "  continued\n"
    "\n"
    "    an indented code block\n"
    "\n"
    "> a quote\n"
)


def tricky_ladder() -> LadderData:
    """Text that YAML or CSV could easily mangle, in every field that holds text."""
    return LadderData(
        slug="tricky",
        name="Ingeniería «core» 🚀",
        description=MARKDOWN,
        competencies=[
            CompetencyData(
                key="craft",
                name="null",
                description="Windows line one\r\nline two\r\n",
                group="yes",
            ),
            CompetencyData(
                key="impact",
                name="Impact: scope # not a comment",
                description="Quotes \"double\", 'single', a, comma\nand a\ttab.",
            ),
        ],
        tracks=[
            TrackData(
                key="ic",
                name="- starts like a list item",
                kind="ic",
                levels=[
                    LevelData(
                        code="007",
                        title="2024-01-01",
                        grade=1,
                        summary="  leading spaces\nand a line separator \u2028 too\n\n",
                        expectations={"craft": MARKDOWN, "impact": "Ünïcödé ✓ \u200fRTL mark"},
                    ),
                    LevelData(
                        code="IC/2",
                        title="[not, a, list]",
                        grade=2,
                        summary="trailing spaces   ",
                        expectations={"craft": "> quoted\n>\n> more", "impact": "|\n>\n"},
                    ),
                ],
            )
        ],
    )


# Round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.stem)
def test_demo_ladder_survives_a_yaml_round_trip(path):
    original = read_yaml(path.read_bytes())

    assert read_yaml(to_yaml(original).encode()) == original


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.stem)
def test_demo_ladder_survives_a_csv_round_trip_except_its_description(path):
    original = read_yaml(path.read_bytes())
    assert original.description, "the demo has a description for CSV to drop"

    assert read_csv(to_csv(original).encode()) == without_description(original)


def test_the_demo_files_are_there():
    assert {path.stem for path in DEMO_FILES} >= {"engineering", "design", "people-operations"}


def test_a_big_ladder_survives_a_yaml_round_trip():
    original = ladder_data(tracks=3, levels=15, competencies=25)

    assert read_yaml(to_yaml(original).encode()) == original


def test_a_big_ladder_survives_a_csv_round_trip_except_its_description():
    original = ladder_data(tracks=3, levels=15, competencies=25)
    text = to_csv(original)

    assert len(text.splitlines()) == 1 + 3 * 15 * 25
    assert read_csv(text.encode()) == without_description(original)


def test_yaml_export_is_the_documented_format():
    exported = yaml.safe_load(to_yaml(small_ladder()))

    assert exported["format"] == "career-ladder/1"
    assert exported["ladder"] == {
        "slug": "engineering",
        "name": "Engineering",
        "description": "How we grow.",
    }
    assert exported["competencies"][0] == {
        "key": "comp-1",
        "name": "Competency 1",
        "group": "Group 1",
    }
    assert exported["tracks"][1]["levels"][0] == {
        "code": "M1",
        "title": "M title 1",
        "grade": 2,
        "summary": "Summary of M1.",
        "expectations": {
            "comp-1": "At M1, competency 1 means scope 1.",
            "comp-2": "At M1, competency 2 means scope 1.",
        },
    }


def test_multi_line_markdown_is_written_as_a_readable_block():
    markdown = "Über **bold**: 日本語 🎉\n\n- one\n- two\n"
    ladder = dataclasses.replace(small_ladder(), description=markdown)

    text = to_yaml(ladder)

    assert "  description: |\n    Über **bold**: 日本語 🎉\n\n    - one\n" in text


def test_tricky_markdown_and_unicode_survive_yaml():
    original = tricky_ladder()

    assert read_yaml(to_yaml(original).encode()) == original


def test_tricky_markdown_and_unicode_survive_csv():
    original = tricky_ladder()

    assert read_csv(to_csv(original).encode()) == without_description(original)


@pytest.mark.parametrize("text", ["next\x85line", "one\ntwo\x85three\n"], ids=["one-line", "multi"])
def test_a_next_line_character_survives_yaml(text):
    original = dataclasses.replace(small_ladder(), name=text, description=text)

    assert read_yaml(to_yaml(original).encode()) == original


def test_a_level_without_an_expectation_for_a_competency_survives_both_encodings():
    original = small_ladder()
    del original.tracks[0].levels[1].expectations["comp-2"]

    assert read_yaml(to_yaml(original).encode()) == original
    assert read_csv(to_csv(original).encode()) == without_description(original)
    row = at_line(csv_rows(original), 5)
    assert (row["level_code"], row["competency_key"]) == ("IC2", "comp-2")
    assert row["expectation"] == ""
    assert (
        "comp-2" not in yaml.safe_load(to_yaml(original))["tracks"][0]["levels"][1]["expectations"]
    )


def test_json_is_read_as_yaml():
    expected = read_yaml(dump(document()))

    assert read_yaml(json.dumps(document()).encode()) == expected
    assert read_file(json.dumps(document(), indent=2).encode(), "ladder.json") == expected


def test_json_with_escaped_unicode_is_read_as_yaml():
    text = json.dumps(to_document(tricky_ladder()))
    assert "\\ud83d\\ude80" in text, "json escapes the emoji as a surrogate pair"

    assert read_yaml(text.encode()) == tricky_ladder()


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\u0000"])
def test_json_escapes_for_what_text_cannot_hold_are_refused(escape):
    text = json.dumps(document()).replace('"Engineering"', f'"Engi{escape}neering"', 1)

    problems = problems_of(read_yaml, text.encode())

    assert len(problems) == 1, problems
    assert problems[0].where.startswith("line 1, column ")
    assert "is not valid YAML" in problems[0].message


@pytest.mark.parametrize(
    ("filename", "encoding"),
    [
        ("ladder.csv", "csv"),
        ("LADDER.CSV", "csv"),
        ("ladder.yaml", "yaml"),
        ("ladder.yml", "yaml"),
        ("ladder.json", "yaml"),
    ],
)
def test_read_file_picks_the_encoding_by_extension(filename, encoding):
    original = small_ladder()
    data = (to_csv if encoding == "csv" else to_yaml)(original).encode()
    expected = without_description(original) if encoding == "csv" else original

    assert read_file(data, filename) == expected


def test_utf8_bom_is_accepted_in_yaml():
    original = small_ladder()

    assert read_yaml(BOM + to_yaml(original).encode()) == original


def test_utf8_bom_is_accepted_in_csv():
    original = small_ladder()

    assert read_csv(BOM + to_csv(original).encode()) == without_description(original)


# YAML: format, required fields, types --------------------------------------------


def test_the_small_document_is_valid():
    ladder = read_yaml(dump(document()))

    assert [t.key for t in ladder.tracks] == ["ic", "management"]
    assert ladder.tracks[0].levels[0].expectations == {"craft": "Writes clear code."}
    assert ladder.tracks[0].levels[1].expectations == {}, "no expectation is not an error"


def test_a_wrong_format_is_refused():
    problems = problems_of(read_yaml, changed(("format",), "career-ladder/2"))

    assert_one_problem(problems, "format", "'career-ladder/2'", "expected 'career-ladder/1'")


def test_a_missing_format_is_refused():
    problems = problems_of(read_yaml, removed(("format",)))

    assert_one_problem(problems, "format", "is missing", "career-ladder/1")


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("ladder",), "ladder"),
        (("ladder", "slug"), "ladder.slug"),
        (("ladder", "name"), "ladder.name"),
        (("competencies",), "competencies"),
        (("competencies", 1, "key"), "competencies[1].key"),
        (("competencies", 0, "name"), "competencies[0].name"),
        (("tracks",), "tracks"),
        (("tracks", 1, "key"), "tracks[1].key"),
        (("tracks", 0, "name"), "tracks[0].name"),
        (("tracks", 1, "kind"), "tracks[1].kind"),
        (("tracks", 1, "levels"), "tracks[1].levels"),
        (("tracks", 0, "levels", 1, "code"), "tracks[0].levels[1].code"),
        (("tracks", 0, "levels", 0, "title"), "tracks[0].levels[0].title"),
        (("tracks", 1, "levels", 0, "grade"), "tracks[1].levels[0].grade"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_missing_required_field_is_named(path, where):
    doc = document()
    del doc["tracks"][0]["levels"][0]["expectations"]  # so no competency is needed

    problems = problems_of(read_yaml, removed(path, doc))

    assert_problems_only_at(problems, where, "is missing")


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("ladder", "slug"), "ladder.slug"),
        (("ladder", "name"), "ladder.name"),
        (("competencies", 1, "key"), "competencies[1].key"),
        (("competencies", 0, "name"), "competencies[0].name"),
        (("tracks", 1, "key"), "tracks[1].key"),
        (("tracks", 0, "name"), "tracks[0].name"),
        (("tracks", 1, "kind"), "tracks[1].kind"),
        (("tracks", 0, "levels", 1, "code"), "tracks[0].levels[1].code"),
        (("tracks", 0, "levels", 0, "title"), "tracks[0].levels[0].title"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
@pytest.mark.parametrize("empty", ["", "   "], ids=["empty", "blank"])
def test_an_empty_required_field_is_refused_like_a_missing_one(path, where, empty):
    problems = problems_of(read_yaml, changed(path, empty))

    assert_one_problem(problems, where, "empty")


@pytest.mark.parametrize(
    ("path", "value", "where", "phrases"),
    [
        (
            ("tracks", 0, "levels", 1, "grade"),
            "2",
            "tracks[0].levels[1].grade",
            ("'2'", "expected a whole number from 1 to 99"),
        ),
        (
            ("tracks", 0, "levels", 1, "grade"),
            True,
            "tracks[0].levels[1].grade",
            ("True", "expected a whole number"),
        ),
        (
            ("tracks", 0, "levels", 1, "grade"),
            2.5,
            "tracks[0].levels[1].grade",
            ("2.5", "expected a whole number"),
        ),
        (("ladder", "name"), 42, "ladder.name", ("a number (42)", "expected text")),
        (("ladder", "slug"), False, "ladder.slug", ("a boolean", "expected text")),
        (("ladder",), "engineering", "ladder", ("a str", "expected a mapping")),
        (("competencies", 1), "impact", "competencies[1]", ("a str", "expected a mapping")),
        (("tracks", 1, "levels"), "M1", "tracks[1].levels", ("a str", "expected a list")),
        (
            ("tracks", 0, "levels", 1, "expectations"),
            ["Writes code."],
            "tracks[0].levels[1].expectations",
            ("must be a mapping",),
        ),
        (
            ("tracks", 0, "levels", 0, "expectations", "craft"),
            7,
            "tracks[0].levels[0].expectations.craft",
            ("a number (7)", "expected Markdown text"),
        ),
        (
            ("tracks", 0, "levels", 0, "expectations", "craft"),
            None,
            "tracks[0].levels[0].expectations.craft",
            ("empty", "expected Markdown text"),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and "." in value else None,
)
def test_a_value_of_the_wrong_type_is_named(path, value, where, phrases):
    problems = problems_of(read_yaml, changed(path, value))

    assert_problems_only_at(problems, where, *phrases)


def test_competencies_that_are_not_a_list_are_refused():
    doc = document()
    doc["competencies"] = {"craft": {"name": "Craft"}}
    del doc["tracks"][0]["levels"][0]["expectations"]

    problems = problems_of(read_yaml, dump(doc))

    assert_problems_only_at(problems, "competencies", "is a mapping; expected a list.")


def test_a_document_that_is_not_a_mapping_is_refused():
    problems = problems_of(read_yaml, b"- format\n- ladder\n")

    assert_one_problem(problems, "file", "must be a mapping")


# YAML: ranges and patterns -------------------------------------------------------

TOO_LONG = [
    (("ladder", "name"), 121, "ladder.name", "1 to 120"),
    (("competencies", 0, "name"), 121, "competencies[0].name", "1 to 120"),
    (("competencies", 0, "group"), 61, "competencies[0].group", "1 to 60"),
    (("tracks", 0, "name"), 121, "tracks[0].name", "1 to 120"),
    (("tracks", 0, "levels", 1, "code"), 17, "tracks[0].levels[1].code", "1 to 16"),
    (("tracks", 0, "levels", 1, "title"), 121, "tracks[0].levels[1].title", "1 to 120"),
    (
        ("tracks", 0, "levels", 0, "expectations", "craft"),
        10_001,
        "tracks[0].levels[0].expectations.craft",
        "1 to 10000",
    ),
]


@pytest.mark.parametrize(
    ("path", "length", "where", "expected"),
    TOO_LONG,
    ids=[where for _, _, where, _ in TOO_LONG],
)
def test_text_over_its_length_limit_is_refused(path, length, where, expected):
    problems = problems_of(read_yaml, changed(path, "x" * length))

    assert_one_problem(problems, where, f"has {length} characters", expected)


@pytest.mark.parametrize(
    ("path", "length", "where", "expected"),
    TOO_LONG,
    ids=[where for _, _, where, _ in TOO_LONG],
)
def test_text_at_its_length_limit_is_accepted(path, length, where, expected):
    read_yaml(changed(path, "x" * (length - 1)))


def test_an_empty_expectation_is_refused():
    problems = problems_of(
        read_yaml, changed(("tracks", 0, "levels", 0, "expectations", "craft"), "")
    )

    assert_one_problem(
        problems, "tracks[0].levels[0].expectations.craft", "has 0 characters", "1 to 10000"
    )


@pytest.mark.parametrize(
    ("grade", "where", "message"),
    [
        (0, "tracks[0].levels[0].grade", "is 0; expected 1 to 99."),
        (-1, "tracks[0].levels[0].grade", "is -1; expected 1 to 99."),
        (100, "tracks[1].levels[0].grade", "is 100; expected 1 to 99."),
    ],
)
def test_a_grade_out_of_range_is_refused(grade, where, message):
    track = 0 if grade < 1 else 1
    problems = problems_of(read_yaml, changed(("tracks", track, "levels", 0, "grade"), grade))

    assert problems == [FormatProblem(where, message)]


def test_grades_1_and_99_are_accepted():
    doc = document()
    doc["tracks"][0]["levels"][1]["grade"] = 99

    ladder = read_yaml(dump(doc))

    assert [level.grade for level in ladder.tracks[0].levels] == [1, 99]


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        (("ladder", "slug"), "Engineering", "ladder.slug"),
        (("ladder", "slug"), "engineering team", "ladder.slug"),
        (("ladder", "slug"), "e" * 65, "ladder.slug"),
        (("competencies", 1, "key"), "impact_2", "competencies[1].key"),
        (("tracks", 1, "key"), "Management", "tracks[1].key"),
    ],
)
def test_a_slug_or_key_outside_the_pattern_is_refused(path, value, where):
    problems = problems_of(read_yaml, changed(path, value))

    assert_one_problem(problems, where, repr(value), "not a valid key", "a-z, 0-9 and '-'")


def test_a_64_character_slug_is_accepted():
    assert read_yaml(changed(("ladder", "slug"), "e" * 64)).slug == "e" * 64


def test_an_unknown_track_kind_is_refused():
    problems = problems_of(read_yaml, changed(("tracks", 1, "kind"), "tech-lead"))

    assert_one_problem(problems, "tracks[1].kind", "'tech-lead'", "expected ic or management")


def test_more_than_ten_tracks_are_refused():
    data = to_yaml(ladder_data(tracks=11, levels=1, competencies=1)).encode()

    assert_one_problem(problems_of(read_yaml, data), "tracks", "has 11 entries", "1 to 10")


def test_ten_tracks_are_accepted():
    assert len(read_yaml(to_yaml(ladder_data(tracks=10, levels=1)).encode()).tracks) == 10


def test_more_than_thirty_levels_in_a_track_are_refused():
    data = to_yaml(ladder_data(tracks=1, levels=31, competencies=1)).encode()

    assert_one_problem(
        problems_of(read_yaml, data), "tracks[0].levels", "has 31 entries", "1 to 30"
    )


def test_thirty_levels_in_a_track_are_accepted():
    ladder = read_yaml(to_yaml(ladder_data(tracks=1, levels=30, competencies=1)).encode())

    assert len(ladder.tracks[0].levels) == 30


def test_a_ladder_without_competencies_is_refused():
    doc = document()
    doc["competencies"] = []
    del doc["tracks"][0]["levels"][0]["expectations"]

    problems = problems_of(read_yaml, dump(doc))

    assert_one_problem(problems, "competencies", "has 0 entries", "1 to 100")


def test_more_than_a_hundred_competencies_are_refused():
    data = to_yaml(ladder_data(tracks=1, levels=1, competencies=101)).encode()

    assert_one_problem(problems_of(read_yaml, data), "competencies", "has 101 entries", "1 to 100")


def test_a_ladder_without_tracks_is_refused():
    problems = problems_of(read_yaml, changed(("tracks",), []))

    assert_one_problem(problems, "tracks", "has 0 entries", "1 to 10")


def test_a_track_without_levels_is_refused():
    problems = problems_of(read_yaml, changed(("tracks", 1, "levels"), []))

    assert_one_problem(problems, "tracks[1].levels", "has 0 entries", "1 to 30")


# YAML: duplicates, grades, references, unknown fields -----------------------------


def test_a_duplicate_competency_key_is_refused():
    problems = problems_of(read_yaml, changed(("competencies", 1, "key"), "craft"))

    assert_one_problem(
        problems,
        "competencies[1].key",
        "duplicates the competency key 'craft'",
        "competencies[0].key",
    )


def test_a_duplicate_track_key_is_refused():
    problems = problems_of(read_yaml, changed(("tracks", 1, "key"), "ic"))

    assert_one_problem(problems, "tracks[1].key", "duplicates the track key 'ic'", "tracks[0].key")


def test_a_duplicate_level_code_within_a_track_is_refused():
    problems = problems_of(read_yaml, changed(("tracks", 0, "levels", 1, "code"), "IC1"))

    assert_one_problem(
        problems, "tracks[0].levels[1].code", "duplicates the level code 'IC1'", "levels[0].code"
    )


def test_a_level_code_is_unique_across_tracks():
    problems = problems_of(read_yaml, changed(("tracks", 1, "levels", 0, "code"), "IC2"))

    assert_one_problem(
        problems,
        "tracks[1].levels[0].code",
        "duplicates the level code 'IC2'",
        "tracks[0].levels[1].code",
    )


def test_an_equal_grade_within_a_track_is_refused():
    problems = problems_of(read_yaml, changed(("tracks", 0, "levels", 1, "grade"), 1))

    assert_one_problem(
        problems, "tracks[0].levels[1].grade", "is 1, not above 1 of IC1", "strictly increase"
    )


def test_a_decreasing_grade_within_a_track_is_refused():
    doc = document()
    doc["tracks"][0]["levels"][0]["grade"] = 3
    doc["tracks"][0]["levels"].append({"code": "IC3", "title": "Engineer III", "grade": 4})

    problems = problems_of(read_yaml, dump(doc))

    assert_one_problem(
        problems, "tracks[0].levels[1].grade", "is 2, not above 3 of IC1", "strictly increase"
    )


def test_equal_grades_on_different_tracks_are_equivalent_levels_not_an_error():
    ladder = read_yaml(dump(document()))

    assert ladder.tracks[0].levels[1].grade == ladder.tracks[1].levels[0].grade == 2


def test_an_expectation_for_an_unknown_competency_is_refused():
    problems = problems_of(
        read_yaml, changed(("tracks", 1, "levels", 0, "expectations"), {"leadership": "Leads."})
    )

    assert_one_problem(
        problems, "tracks[1].levels[0].expectations.leadership", "unknown competency 'leadership'"
    )


@pytest.mark.parametrize(
    ("path", "where", "listed"),
    [
        (("version",), "version", "competencies, format, ladder, tracks"),
        (("ladder", "colour"), "ladder.colour", "description, name, slug"),
        (("competencies", 0, "weight"), "competencies[0].weight", "description, group, key, name"),
        (("tracks", 1, "levels_"), "tracks[1].levels_", "key, kind, levels, name"),
        (
            ("tracks", 0, "levels", 1, "salary"),
            "tracks[0].levels[1].salary",
            "code, expectations, grade, summary, title",
        ),
    ],
)
def test_an_unknown_field_is_refused(path, where, listed):
    problems = problems_of(read_yaml, changed(path, "something"))

    assert_one_problem(problems, where, "is not a field here", listed)


def test_every_problem_of_a_yaml_file_is_reported_together():
    doc = document()
    doc["format"] = "ladder"
    doc["ladder"]["slug"] = "Engineering"
    doc["competencies"][1]["colour"] = "red"
    doc["tracks"][1]["key"] = "ic"
    doc["tracks"][0]["levels"][1]["grade"] = "two"
    doc["tracks"][1]["levels"][0]["expectations"] = {"nope": "Nothing."}

    problems = problems_of(read_yaml, dump(doc))

    assert sorted(p.where for p in problems) == sorted(
        [
            "format",
            "ladder.slug",
            "competencies[1].colour",
            "tracks[1].key",
            "tracks[0].levels[1].grade",
            "tracks[1].levels[0].expectations.nope",
        ]
    )


def test_a_problem_reads_as_where_then_what():
    problem = FormatProblem("tracks[1].levels[3].grade", "is 0; expected 1 to 99.")

    assert str(problem) == "tracks[1].levels[3].grade: is 0; expected 1 to 99."


# Files that are not UTF-8, YAML or CSV ---------------------------------------------

READERS = [pytest.param(read_yaml, id="yaml"), pytest.param(read_csv, id="csv")]


def _good_file(read) -> bytes:
    return (
        to_yaml(small_ladder()).encode() if read is read_yaml else to_csv(small_ladder()).encode()
    )


def _replace_on_line(data: bytes, line: int, insert: bytes) -> bytes:
    lines = data.split(b"\n")
    lines[line - 1] = lines[line - 1][:3] + insert + lines[line - 1][3:]
    return b"\n".join(lines)


@pytest.mark.parametrize("read", READERS)
def test_invalid_utf8_is_refused_with_its_line(read):
    data = _replace_on_line(_good_file(read), 3, b"\xff\xfe")

    assert_one_problem(problems_of(read, data), "line 3", "not valid UTF-8")


@pytest.mark.parametrize("read", READERS)
def test_latin1_text_is_refused_as_not_utf8(read):
    data = _good_file(read).replace(b"Engineering", "Ingeniería".encode("latin-1"), 1)

    problems = problems_of(read, data)

    assert len(problems) == 1
    assert "not valid UTF-8" in problems[0].message


@pytest.mark.parametrize("read", READERS)
def test_a_nul_byte_is_refused_with_its_line(read):
    data = _replace_on_line(_good_file(read), 4, b"\0")

    assert_one_problem(problems_of(read, data), "line 4", "NUL")


def test_utf16_is_refused():
    data = to_yaml(small_ladder()).encode("utf-16")

    assert_one_problem(problems_of(read_yaml, data), "line 1", "not valid UTF-8")


@pytest.mark.parametrize(
    ("read", "limit", "phrases"),
    [
        pytest.param(read_yaml, MAX_BYTES, ("the limit for YAML and JSON", "(5 MiB)"), id="yaml"),
        pytest.param(read_csv, MAX_CSV_BYTES, ("the limit for CSV", "(40 MiB)"), id="csv"),
    ],
)
def test_a_file_over_the_limit_of_its_encoding_is_refused(read, limit, phrases):
    data = _good_file(read) + b"#" * limit

    assert_one_problem(problems_of(read, data), "file", f"{len(data):,} bytes", *phrases, "Shorten")


def test_the_limit_follows_the_files_extension():
    assert [max_bytes(name) for name in ("a.yaml", "a.yml", "a.json", "a.csv", "A.CSV")] == [
        5 * 2**20,
        5 * 2**20,
        5 * 2**20,
        40 * 2**20,
        40 * 2**20,
    ]


def test_a_large_ladder_exported_as_csv_imports_again_exactly():
    original = large_ladder_data()
    yaml_size = len(to_yaml(original).encode())
    exported = to_csv(original).encode()

    assert 900_000 < yaml_size < 1_500_000
    assert MAX_BYTES < len(exported) < MAX_CSV_BYTES
    assert read_file(exported, "large.csv") == without_description(original)


def test_an_empty_yaml_file_is_refused():
    assert_one_problem(problems_of(read_yaml, b""), "file", "must be a mapping")
    assert_one_problem(problems_of(read_yaml, b"# only a comment\n"), "file", "must be a mapping")


def test_an_empty_csv_file_is_refused():
    assert_one_problem(problems_of(read_csv, b""), "line 1", "empty")
    assert_one_problem(problems_of(read_csv, BOM), "line 1", "empty")


@pytest.mark.parametrize(
    ("text", "where"),
    [
        (
            "format: career-ladder/1\nladder:\n  slug: eng\n  name: [Engineering\n",
            "line 5, column 1",
        ),
        ("format: career-ladder/1\nladder:\n  slug: eng\n name: Engineering\n", "line 4, column 2"),
        ("format: career-ladder/1\nladder: a: b\n", "line 2, column 10"),
        ("format: career-ladder/1\n\tladder: {}\n", "line 2, column 1"),
    ],
    ids=["unclosed-list", "bad-indent", "nested-colon", "tab"],
)
def test_text_that_is_not_yaml_is_refused_with_line_and_column(text, where):
    problems = problems_of(read_yaml, text.encode())

    assert_one_problem(problems, where, "is not valid YAML")


# CSV ---------------------------------------------------------------------------


def test_csv_columns_may_come_in_any_order():
    rows = csv_rows()
    columns = list(reversed(list(rows[0])))

    assert read_csv(csv_file(rows, columns)) == without_description(small_ladder())


def test_csv_optional_columns_may_be_left_out():
    required = [
        "ladder_slug",
        "ladder_name",
        "track_key",
        "track_name",
        "track_kind",
        "level_code",
        "level_title",
        "grade",
        "competency_key",
        "competency_name",
    ]

    ladder = read_csv(csv_file(csv_rows(), required))

    assert ladder.tracks[0].levels[0].summary == ""
    assert ladder.tracks[0].levels[0].expectations == {}
    assert ladder.competencies[0].group == ""


def test_csv_display_order_is_the_order_of_first_appearance():
    rows = csv_rows()
    reordered = rows[4:] + rows[:4]  # management rows first
    reordered[0], reordered[1] = reordered[1], reordered[0]  # comp-2 before comp-1

    ladder = read_csv(csv_file(reordered))

    assert [t.key for t in ladder.tracks] == ["management", "ic"]
    assert [c.key for c in ladder.competencies] == ["comp-2", "comp-1"]
    assert [level.code for level in ladder.tracks[0].levels] == ["M1", "M2"]


def test_csv_blank_lines_are_skipped():
    data = to_csv(small_ladder()).replace("\r\n", "\r\n\r\n", 3).encode()

    assert read_csv(data) == without_description(small_ladder())


@pytest.mark.parametrize(
    "column",
    [
        "ladder_slug",
        "ladder_name",
        "track_key",
        "track_name",
        "track_kind",
        "level_code",
        "level_title",
        "grade",
        "competency_key",
        "competency_name",
    ],
)
def test_csv_without_a_required_column_is_refused(column):
    rows = csv_rows()
    columns = [name for name in rows[0] if name != column]

    problems = problems_of(read_csv, csv_file(rows, columns))

    assert_one_problem(problems, "line 1", f"required column '{column}' is missing")


def test_csv_with_an_unknown_column_is_refused():
    rows = csv_rows()
    for row in rows:
        row["colour"] = "red"

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(problems, "line 1", "unknown column 'colour'")


def test_csv_with_a_repeated_column_is_refused():
    data = to_csv(small_ladder()).replace("expectation\r\n", "expectation,grade\r\n", 1)

    problems = problems_of(read_csv, data.encode())

    assert_one_problem(problems, "line 1", "'grade' appears twice")


def test_csv_header_problems_are_reported_together():
    rows = csv_rows()
    columns = [name for name in rows[0] if name not in {"grade", "track_kind"}] + ["colour"]
    for row in rows:
        row["colour"] = "red"

    problems = problems_of(read_csv, csv_file(rows, columns))

    assert [p.where for p in problems] == ["line 1"] * 3
    messages = " ".join(p.message for p in problems)
    assert "'colour'" in messages
    assert "'grade'" in messages
    assert "'track_kind'" in messages


@pytest.mark.parametrize(
    ("line", "column", "value", "earlier", "what"),
    [
        (5, "ladder_name", "Engineering 2", "Engineering", "for the ladder"),
        (3, "ladder_slug", "engineering-2", "engineering", "for the ladder"),
        (4, "track_name", "ICs", "Individual contributor", "for track 'ic'"),
        (9, "track_kind", "ic", "management", "for track 'management'"),
        (3, "level_title", "Engineer", "IC title 1", "for level 'IC1'"),
        (3, "level_summary", "Other.", "Summary of IC1.", "for level 'IC1'"),
        (3, "grade", "2", "1", "for level 'IC1'"),
        (6, "competency_name", "Craft", "Competency 1", "for competency 'comp-1'"),
        (7, "competency_group", "Group 9", "Group 0", "for competency 'comp-2'"),
        (4, "competency_description", "Other.", "", "for competency 'comp-1'"),
    ],
)
def test_csv_rows_that_disagree_are_refused(line, column, value, earlier, what):
    rows = csv_rows()
    at_line(rows, line)[column] = value

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(
        problems, f"line {line}, column {column}", f"is {value!r}", f"says {earlier!r}", what
    )


def test_csv_level_code_used_on_two_tracks_is_refused():
    rows = csv_rows()
    for row in rows:
        if row["level_code"] == "M2":
            row["level_code"] = "IC2"
            row["level_title"] = "IC title 2"
            row["level_summary"] = "Summary of IC2."

    problems = problems_of(read_csv, csv_file(rows))

    assert "is 'management', but an earlier row says 'ic' for level 'IC2'." in messages_at(
        problems, "line 8, column track_key"
    )


def test_csv_duplicate_row_for_a_level_and_competency_is_refused():
    rows = csv_rows()
    rows.append(dict(at_line(rows, 3)))

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(
        problems,
        "line 10, column competency_key",
        "level 'IC1' and competency 'comp-2' already have a row (line 3)",
    )


@pytest.mark.parametrize("grade", ["two", "2.0", "", "1e2"])
def test_csv_non_integer_grade_is_refused_once_per_level(grade):
    rows = csv_rows()
    for line in (4, 5):
        at_line(rows, line)["grade"] = grade

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(problems, "line 4, column grade", repr(grade), "whole number")


def test_csv_grade_out_of_range_is_refused():
    rows = csv_rows()
    for line in (2, 3):
        at_line(rows, line)["grade"] = "0"
    for line in (8, 9):
        at_line(rows, line)["grade"] = "100"

    problems = problems_of(read_csv, csv_file(rows))

    assert problems == [
        FormatProblem("line 2, column grade", "is 0; expected 1 to 99."),
        FormatProblem("line 8, column grade", "is 100; expected 1 to 99."),
    ]


def test_csv_grades_must_increase_along_a_track():
    rows = csv_rows()
    for line in (4, 5):
        at_line(rows, line)["grade"] = "1"

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(problems, "line 4, column grade", "not above 1 of IC1", "strictly increase")


@pytest.mark.parametrize(
    ("lines", "column"),
    [
        (range(2, 10), "ladder_slug"),
        (range(2, 10), "ladder_name"),
        ((2, 3, 4, 5), "track_key"),
        ((6, 7, 8, 9), "track_name"),
        ((2, 3, 4, 5), "track_kind"),
        ((4, 5), "level_code"),
        ((4, 5), "level_title"),
        ((3, 5, 7, 9), "competency_key"),
        ((2, 4, 6, 8), "competency_name"),
    ],
)
def test_csv_empty_required_cells_are_refused(lines, column):
    rows = csv_rows()
    for line in lines:
        at_line(rows, line)[column] = ""

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(problems, f"line {lines[0]}, column {column}", "empty")


def test_csv_bad_key_and_unknown_kind_are_refused_with_line_and_column():
    rows = csv_rows()
    for row in rows:
        if row["track_key"] == "management":
            row["track_key"] = "Management"
            row["track_kind"] = "people"

    problems = problems_of(read_csv, csv_file(rows))

    assert sorted(p.where for p in problems) == [
        "line 6, column track_key",
        "line 6, column track_kind",
    ]


def test_csv_expectation_over_10000_characters_is_refused():
    rows = csv_rows()
    at_line(rows, 7)["expectation"] = "x" * 10_001

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(problems, "line 7, column expectation", "has 10001 characters", "1 to 10000")


def test_csv_with_a_wrong_number_of_values_is_refused():
    lines = to_csv(small_ladder()).split("\r\n")
    lines[2] += ",extra"
    lines[5] = lines[5].split(",", 2)[2]  # without the ladder's slug and name

    problems = problems_of(read_csv, "\r\n".join(lines).encode())

    assert problems == [
        FormatProblem("line 3", "has 15 values; the header has 14."),
        FormatProblem("line 6", "has 12 values; the header has 14."),
    ]


def test_csv_with_text_after_a_closing_quote_is_refused():
    lines = to_csv(small_ladder()).split("\r\n")
    lines[2] = lines[2].replace("Individual contributor", '"Individual contributor"x')

    problems = problems_of(read_csv, "\r\n".join(lines).encode())

    assert_one_problem(problems, "line 3", "is not valid CSV")


def test_csv_with_an_unclosed_quote_is_refused():
    data = to_csv(small_ladder()) + 'engineering,"Engineering\r\n'

    problems = problems_of(read_csv, data.encode())

    assert_one_problem(problems, "line 10", "is not valid CSV")


def test_csv_header_without_rows_is_refused():
    data = to_csv(small_ladder()).split("\r\n")[0].encode() + b"\r\n"

    assert_one_problem(problems_of(read_csv, data), "line 2", "no rows")


def test_every_problem_of_a_csv_file_is_reported_together():
    rows = csv_rows()
    at_line(rows, 3)["level_title"] = "Other title"
    for line in (4, 5):
        at_line(rows, line)["grade"] = "two"
    at_line(rows, 6)["expectation"] = "x" * 10_001
    rows.append(dict(at_line(rows, 9)))

    problems = problems_of(read_csv, csv_file(rows))

    assert [p.where for p in problems] == [
        "line 3, column level_title",
        "line 4, column grade",
        "line 10, column competency_key",
        "line 6, column expectation",
    ]


# Hostile input -----------------------------------------------------------------


def test_a_billion_laughs_file_is_refused_quickly_without_exhausting_memory():
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, 10):
        aliases = ", ".join([f"*lol{n - 1}"] * 10)
        lines.append(f"lol{n}: &lol{n} [{aliases}]")
    bomb = "\n".join(lines).encode()  # 10**10 strings once expanded

    tracemalloc.start()
    started = time.monotonic()
    try:
        problems = problems_of(read_yaml, bomb)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert_one_problem(problems, "file", "expands", "aliases", "5 MiB")
    assert elapsed < 10
    assert peak < 50 * 1024 * 1024


def test_a_file_under_the_limit_whose_aliases_expand_beyond_it_is_refused():
    text = dump(document()).decode()
    text = text.replace("name: Engineering", f"name: &long {'x' * 2**20}", 1)
    text += "extra: [" + ", ".join(["*long"] * 5) + "]\n"
    assert len(text.encode()) < MAX_BYTES

    problems = problems_of(read_yaml, text.encode())

    assert_one_problem(problems, "file", "expands (through YAML aliases) beyond the 5 MiB limit")


def test_aliases_in_an_ordinary_file_are_accepted():
    text = to_yaml(small_ladder()).replace(
        "  name: Individual contributor\n", "  name: &ic-name Individual contributor\n", 1
    )
    text = text.replace("title: IC title 1", "title: *ic-name", 1)

    ladder = read_yaml(text.encode())

    assert ladder.tracks[0].levels[0].title == "Individual contributor"


def test_a_self_referencing_alias_is_refused():
    problems = problems_of(read_yaml, b"format: &loop [*loop]\n")

    assert_one_problem(problems, "file", "expands")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "format: career-ladder/1\nladder: " + "{a: " * 10_000 + "b" + "}" * 10_000,
        "\n".join(" " * depth + "-" for depth in range(2_000)),
    ],
    ids=["flow-lists", "flow-mappings", "block-lists"],
)
def test_deeply_nested_yaml_is_refused_without_crashing(text):
    problems = problems_of(read_yaml, text.encode())

    assert len(problems) == 1
    assert problems[0].where == "file"
    assert "nests too deeply" in problems[0].message


CONSTRUCTED = []


def record_construction(*args):
    """What a ``!!python/object/apply`` tag would call if tags were honoured."""
    CONSTRUCTED.append(args)
    return "constructed"


@pytest.mark.parametrize(
    "value",
    [
        f"!!python/object/apply:{__name__}.record_construction ['x']",
        f"!!python/object:{__name__}.FormatProblem {{where: a, message: b}}",
        "!!python/name:os.system ''",
        f"!!python/object/new:{__name__}.FormatProblem ['a', 'b']",
    ],
    ids=["apply", "object", "name", "new"],
)
def test_python_tags_are_refused_without_constructing_anything(value):
    CONSTRUCTED.clear()
    text = dump(document()).decode().replace("name: Engineering", f"name: {value}", 1)

    problems = problems_of(read_yaml, text.encode())

    assert CONSTRUCTED == []
    assert_one_problem(problems, "line 4, column 9", "is not valid YAML", "tag", "python/")


@pytest.mark.parametrize(
    ("value", "phrase"),
    [("1" * 5_000, "5000 digits"), ("2024-13-45", "month")],
    ids=["huge-integer", "impossible-date"],
)
def test_a_value_yaml_cannot_build_is_refused_with_its_place(value, phrase):
    text = dump(document()).decode().replace("grade: 2", f"grade: {value}", 1)
    line = text[: text.index(value)].count("\n") + 1

    problems = problems_of(read_yaml, text.encode())

    assert len(problems) == 1, problems
    assert problems[0].where == f"line {line}, column 12"
    assert "is not valid YAML" in problems[0].message
    assert phrase in problems[0].message


def test_script_tags_are_read_as_written():
    script = "<script>alert('x')</script>"
    doc = document()
    doc["ladder"]["name"] = script
    doc["tracks"][0]["levels"][0]["expectations"]["craft"] = f"{script} and **bold**"

    ladder = read_yaml(dump(doc))

    assert ladder.name == script
    assert ladder.tracks[0].levels[0].expectations["craft"] == f"{script} and **bold**"
    assert read_yaml(to_yaml(ladder).encode()) == ladder


def test_a_summary_longer_than_the_csv_modules_default_field_limit_round_trips():
    data = ladder_data(tracks=1, levels=1, competencies=1)
    data.tracks[0].levels[0].summary = "x" * 200_000
    assert read_csv(to_csv(data).encode()).tracks[0].levels[0].summary == "x" * 200_000


def test_csv_cells_a_spreadsheet_would_run_are_written_as_text_and_read_back_exactly():
    data = without_description(ladder_data())
    competency = dataclasses.replace(
        data.competencies[0], name='=HYPERLINK("http://evil")', group="@risk"
    )
    level = data.tracks[0].levels[0]
    expectations = {**level.expectations, competency.key: "'=already quoted"}
    level = dataclasses.replace(level, title="-1 engineer", expectations=expectations)
    track = dataclasses.replace(data.tracks[0], levels=[level, *data.tracks[0].levels[1:]])
    data = dataclasses.replace(
        data, competencies=[competency, *data.competencies[1:]], tracks=[track, *data.tracks[1:]]
    )
    text = to_csv(data)
    rows = list(csv.DictReader(io.StringIO(text)))
    first = rows[0]
    assert first["competency_name"] == '\'=HYPERLINK("http://evil")'
    assert first["competency_group"] == "'@risk"
    assert first["level_title"] == "'-1 engineer"
    assert first["expectation"] == "''=already quoted"
    assert first["grade"] == "1"  # a number, as it was
    assert read_csv(text.encode()) == data


# Level codes and duplicate keys --------------------------------------------------


@pytest.mark.parametrize(
    ("code", "meaning"), [(".", "this folder"), ("..", "the folder above")], ids=["dot", "dots"]
)
def test_a_level_code_of_dots_is_refused_with_its_place_in_yaml(code, meaning):
    problems = problems_of(read_yaml, changed(("tracks", 0, "levels", 1, "code"), code))

    assert_one_problem(
        problems, "tracks[0].levels[1].code", f"“{code}” cannot be a level code", meaning, "IC1"
    )


@pytest.mark.parametrize("code", [".", ".."], ids=["dot", "dots"])
def test_a_level_code_of_dots_is_refused_with_its_place_in_csv(code):
    rows = csv_rows()
    for row in rows:
        if row["level_code"] == "IC2":
            row["level_code"] = code

    problems = problems_of(read_csv, csv_file(rows))

    assert_one_problem(problems, "line 4, column level_code", f"“{code}” cannot be a level code")


@pytest.mark.parametrize("code", ["...", ".IC", "IC.", "a/..", "./"])
def test_codes_with_dots_among_other_characters_are_fine(code):
    ladder = read_yaml(changed(("tracks", 0, "levels", 1, "code"), code))

    assert ladder.tracks[0].levels[1].code == code


SMALL_YAML = """\
format: career-ladder/1
ladder:
  slug: engineering
  name: Engineering
competencies:
  - key: craft
    name: Craft
tracks:
  - key: ic
    name: Individual contributor
    kind: ic
    levels:
      - code: IC1
        title: Engineer I
        grade: 1
        expectations:
          craft: Writes clear code.
"""


def with_lines(text: str, added: dict[int, str]) -> bytes:
    """``text`` with each of ``added``'s lines inserted after its line number."""
    lines = text.splitlines()
    for after in sorted(added, reverse=True):
        lines.insert(after, added[after])
    return "\n".join(lines).encode()


def test_the_small_yaml_is_valid():
    assert read_yaml(SMALL_YAML.encode()).tracks[0].levels[0].grade == 1


@pytest.mark.parametrize(
    ("after", "twin", "where"),
    [
        (1, "format: career-ladder/1", "format"),
        (4, "  name: Eng", "ladder.name"),
        (7, "    name: Craftsmanship", "competencies[0].name"),
        (15, "        grade: 2", "tracks[0].levels[0].grade"),
        (17, "          craft: Again.", "tracks[0].levels[0].expectations.craft"),
    ],
    ids=["format", "ladder.name", "competencies[0].name", "grade", "expectations.craft"],
)
def test_a_key_twice_in_one_yaml_mapping_is_refused_with_its_path(after, twin, where):
    problems = problems_of(read_yaml, with_lines(SMALL_YAML, {after: twin}))

    assert_one_problem(
        problems,
        where,
        f"appears twice in the same mapping (lines {after} and {after + 1}); keep one of them.",
    )


def test_every_key_twice_in_a_file_is_reported_together():
    twins = {3: "  slug: eng", 7: "    name: Craftsmanship"}

    problems = problems_of(read_yaml, with_lines(SMALL_YAML, twins))

    assert [p.where for p in problems] == ["ladder.slug", "competencies[0].name"]


def test_a_key_twice_in_a_json_object_is_refused():
    text = json.dumps(document())
    text = text.replace('"slug": "engineering"', '"slug": "engineering", "slug": "eng"', 1)

    problems = problems_of(read_yaml, text.encode())

    assert_one_problem(problems, "ladder.slug", "appears twice in the same mapping")


def test_keys_equal_only_as_text_are_different_keys():
    text = dump(document()).decode() + "1: one\n'1': also one\n"

    problems = problems_of(read_yaml, text.encode())

    assert [p.where for p in problems] == ["1", "1"]
    assert all("is not a field here" in p.message for p in problems), "not a duplicate"
