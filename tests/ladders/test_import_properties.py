"""Properties of the ladder import, whatever the file: reading it gives a ladder or
problems that say where they are, never another exception; the upload page and
the import command answer without a server error; and an import is all or
nothing: a refused file leaves every ladder table as it was, an accepted one is
written whole, as a new draft, leaving what existed untouched.

Files are built from valid ladders, then broken on purpose: keys removed, values
of the wrong type, duplicate keys and codes, grades out of order, unknown fields,
huge and unusual text, NUL characters, bytes that are not UTF-8, CSV with columns
missing, repeated or out of step and with odd quoting."""

import copy
import csv
import io
import json
import string
from datetime import date

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladders.ladder_format import (
    CompetencyData,
    LadderData,
    LadderFormatError,
    LevelData,
    TrackData,
    check,
    read_file,
    to_csv,
    to_document,
    to_yaml,
)
from ladders.models import Competency, Expectation, Ladder, LadderVersion, Level, Track
from ladders.services.versions import ladder_data
from tests.builders import ladder_data as sample_ladder
from tests.builders import publish
from tests.strategies import NASTY_TEXT, csv_text, damaged_bytes

IMPORT_URL = reverse("ladders:import")
MODELS = (Ladder, LadderVersion, Competency, Track, Level, Expectation)
# "engineering" has a draft already (its import is refused); "design" is published
# without one (its import makes version 2); any other slug makes a new ladder.
SLUGS = ("engineering", "design", "new-ladder")

# Each test's fixtures (the client, the existing ladders) serve all its examples;
# every example runs in the each_example savepoint, rolled back after it, so the
# function-scoped fixtures are safe to share.
shared_fixtures = [HealthCheck.function_scoped_fixture]


# Valid ladders ----------------------------------------------------------------------

# No control characters (the format has no use for them) and no lone surrogates.
PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc"))
KEY = st.from_regex(r"[a-z0-9][a-z0-9-]{0,10}", fullmatch=True)
CODE = st.from_regex(r"[A-Z]{1,3}[0-9]{1,2}", fullmatch=True) | st.text(
    PRINTABLE, min_size=1, max_size=16
).filter(str.strip)
# Markdown: any text PostgreSQL can hold, line breaks and tabs included.
MARKDOWN = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), min_size=1, max_size=80
)


def words(max_size):
    return st.text(PRINTABLE, min_size=1, max_size=max_size).filter(str.strip)


@st.composite
def ladders(draw):
    keys = draw(st.lists(KEY, min_size=1, max_size=4, unique=True))
    competencies = [
        CompetencyData(
            key=key,
            name=draw(words(40)),
            description=draw(st.just("") | MARKDOWN),
            group=draw(st.just("") | words(60)),
        )
        for key in keys
    ]
    track_keys = draw(st.lists(KEY, min_size=1, max_size=3, unique=True))
    sizes = [draw(st.integers(1, 3)) for _ in track_keys]
    codes = iter(draw(st.lists(CODE, min_size=sum(sizes), max_size=sum(sizes), unique=True)))
    tracks = []
    for key, size in zip(track_keys, sizes, strict=True):
        grades = sorted(
            draw(st.lists(st.integers(1, 99), min_size=size, max_size=size, unique=True))
        )
        levels = [
            LevelData(
                code=next(codes),
                title=draw(words(40)),
                grade=grade,
                summary=draw(st.just("") | MARKDOWN),
                expectations=draw(st.dictionaries(st.sampled_from(keys), MARKDOWN, max_size=3)),
            )
            for grade in grades
        ]
        tracks.append(
            TrackData(
                key=key,
                name=draw(words(40)),
                kind=draw(st.sampled_from(["ic", "management"])),
                levels=levels,
            )
        )
    return LadderData(
        slug=draw(st.sampled_from(SLUGS) | KEY),
        name=draw(words(120)),
        description=draw(st.just("") | MARKDOWN),
        competencies=competencies,
        tracks=tracks,
    )


# Breaking them ----------------------------------------------------------------------

JUNK = st.one_of(
    NASTY_TEXT,
    st.text(max_size=20),
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.dates(min_value=date(1, 1, 1)),
    st.lists(st.integers(0, 9), max_size=3),
    st.dictionaries(st.text(string.ascii_lowercase, max_size=6), st.integers(0, 9), max_size=2),
)
FIELD = st.sampled_from(
    ["format", "ladder", "slug", "name", "key", "kind", "levels", "code", "grade", "extra", ""]
)


def _slots(node, found):
    """Every (container, key or index) in the document."""
    if isinstance(node, dict):
        for key in list(node):
            found.append((node, key))
            _slots(node[key], found)
    elif isinstance(node, list):
        for index in range(len(node)):
            found.append((node, index))
            _slots(node[index], found)
    return found


@st.composite
def broken_documents(draw, document):
    """``document`` with a few random changes, each likely to break one rule."""
    document = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 3))):
        slots = _slots(document, [])
        container, key = draw(st.sampled_from(slots))
        action = draw(st.sampled_from(["delete", "replace", "duplicate", "add", "reverse"]))
        value = container[key]
        if action == "delete":
            del container[key]
        elif action == "replace":
            container[key] = draw(JUNK)
        elif action == "duplicate" and isinstance(value, list) and value:
            value.append(copy.deepcopy(draw(st.sampled_from(value))))
        elif action == "add" and isinstance(value, dict):
            value[draw(FIELD)] = draw(JUNK)
        elif action == "reverse" and isinstance(value, list):
            value.reverse()
        else:
            container[key] = draw(JUNK)
    return document


TABLE_DAMAGE = [
    "drop column",
    "rename",
    "repeat column",
    "cell",
    "drop row",
    "repeat row",
    "long row",
    "short row",
    "blank row",
]


@st.composite
def broken_tables(draw, text):
    """A CSV export with random damage: columns dropped, renamed or repeated, cells
    changed, rows dropped, repeated or too long or too short, written back with
    any quoting and line ending."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(TABLE_DAMAGE))
        column = draw(st.integers(0, len(rows[0]) - 1)) if rows[0] else 0
        row = draw(st.integers(0, len(rows) - 1))
        if action == "drop column":
            rows = [r[:column] + r[column + 1 :] for r in rows]
        elif action == "rename" and rows[0]:
            rows[0][column] = draw(st.sampled_from([rows[0][column].upper() + " ", "nope", ""]))
        elif action == "repeat column":
            rows = [[*r, r[column]] if column < len(r) else r for r in rows]
        elif action == "cell" and column < len(rows[row]):
            rows[row][column] = draw(NASTY_TEXT | st.text(max_size=10))
        elif action == "drop row" and len(rows) > 1:
            del rows[row]
        elif action == "repeat row":
            rows.insert(row, list(rows[row]))
        elif action == "long row":
            rows[row].append(draw(st.text(max_size=5)))
        elif action == "short row" and rows[row]:
            rows[row].pop()
        elif action == "blank row":
            rows.insert(row + 1, [])
    return draw(csv_text(rows))


@st.composite
def ladder_files(draw):
    """(bytes, file name, intact): an export of a valid ladder, or a YAML, JSON or CSV
    file made from one and then broken. ``intact`` is the ladder an undamaged export
    must read back as, and None for every other file."""
    ladder = draw(ladders())
    encoding = draw(st.sampled_from(["yaml", "csv", "export yaml", "json", "export csv"]))
    intact = None
    if encoding == "export yaml":
        text, name, intact = to_yaml(ladder), "ladder.yaml", ladder
    elif encoding == "export csv":
        text, name = to_csv(ladder), "ladder.csv"
        intact = LadderData(**{**vars(ladder), "description": ""})  # CSV has no description
    elif encoding == "csv":
        text, name = draw(broken_tables(to_csv(ladder))), draw(st.sampled_from(["l.csv", "L.CSV"]))
    else:
        document = draw(broken_documents(to_document(ladder)))
        if encoding == "json":
            text = json.dumps(document, ensure_ascii=draw(st.booleans()), default=str)
        else:
            text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False)
        name = draw(st.sampled_from(["l.yaml", "l.yml", "l.json", "l.YAML", "ladder"]))
    data = text.encode("utf-8", "surrogatepass")
    damaged = draw(damaged_bytes(data))
    return damaged, name, intact if damaged == data else None


# Reading ----------------------------------------------------------------------------


@settings(max_examples=200)
@given(ladder_files())
def test_reading_any_file_gives_a_valid_ladder_or_every_problem_with_its_place(file):
    data, name, intact = file
    try:
        ladder = read_file(data, name)
    except LadderFormatError as error:
        assert error.problems
        for problem in error.problems:
            assert problem.where.strip() and problem.message.strip(), problem
        assert intact is None, error.problems
    else:
        assert check(ladder) == []
        if intact is not None:
            assert ladder == intact  # an export reads back field for field


# Importing ----------------------------------------------------------------------------


def snapshot() -> dict[str, dict]:
    """Every row of every ladder table, by table and primary key."""
    return {model.__name__: {row["id"]: row for row in model.objects.values()} for model in MODELS}


def assert_fully_written(before, after, ladder: LadderData, *, published=False):
    """Rows that existed are unchanged, and the new rows are exactly ``ladder``, as a
    new version (a draft unless ``published``) of its slug."""
    for table, rows in before.items():
        assert {pk: after[table][pk] for pk in rows} == rows, f"{table} rows changed"
    (version,) = LadderVersion.objects.exclude(pk__in=before["LadderVersion"])
    assert version.is_draft is not published
    assert version.ladder.slug == ladder.slug
    assert ladder_data(version) == ladder
    previous = version.ladder.versions.published().exclude(pk=version.pk).order_by("-number")
    assert version.based_on == previous.first()
    new_ladders = len(after["Ladder"]) - len(before["Ladder"])
    assert new_ladders == (0 if ladder.slug in SLUGS[:2] else 1)
    for table in ("Competency", "Track", "Level", "Expectation"):
        added = set(after[table]) - set(before[table])
        assert {after[table][pk]["version_id"] for pk in added} <= {version.pk}
    assert len(after["Expectation"]) - len(before["Expectation"]) == sum(
        len(level.expectations) for track in ladder.tracks for level in track.levels
    )


@pytest.fixture
def hr_client(client_for, hr):
    """Signed in once for all the examples."""
    return client_for(hr)


@pytest.fixture
def existing_ladders(draft):
    """Engineering (published, with a draft) and Design (published only)."""
    publish(sample_ladder(slug="design", name="Design", tracks=1, levels=2, competencies=2))


@settings(max_examples=100, suppress_health_check=shared_fixtures)
@given(file=ladder_files())
def test_the_upload_page_never_fails_and_imports_all_or_nothing(
    hr_client, existing_ladders, each_example, outcomes, file
):
    data, name, _ = file
    with each_example():
        try:
            expected = read_file(data, name)
        except LadderFormatError:
            expected = None
        before = snapshot()

        response = hr_client.post(IMPORT_URL, {"file": SimpleUploadedFile(name, data)})

        after = snapshot()
        if response.status_code == 302:
            outcomes.add("accepted")
            assert expected is not None
            assert_fully_written(before, after, expected)
        else:
            outcomes.add("refused")
            assert response.status_code == 422
            assert after == before
            context = response.context
            assert context["problems"] or context["form"].errors
            if expected is not None:  # read fine, but Engineering already has a draft
                assert expected.slug == "engineering", context["problems"]
                assert "already has a draft" in context["problems"][0]


@settings(max_examples=30, suppress_health_check=shared_fixtures)
@given(file=ladder_files(), publish_it=st.booleans())
def test_the_import_command_never_fails_and_imports_all_or_nothing(
    existing_ladders, tmp_path, each_example, outcomes, file, publish_it
):
    data, name, _ = file
    path = tmp_path / name
    path.write_bytes(data)
    options = {"publish": True, "note": "Imported."} if publish_it else {}
    with each_example():
        before = snapshot()
        try:
            call_command(
                "import_ladder", str(path), stdout=io.StringIO(), stderr=io.StringIO(), **options
            )
        except CommandError:
            outcomes.add("refused")
            assert snapshot() == before
        else:
            outcomes.add("accepted")
            assert_fully_written(before, snapshot(), read_file(data, name), published=publish_it)
