"""Ladder files in and out of the app: importing into the database, the import and
export commands, HR's upload page and the export download."""

import dataclasses
import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

import ladders
from ladders.ladder_format import (
    MAX_BYTES,
    MAX_CSV_BYTES,
    LadderFormatError,
    read_csv,
    read_yaml,
    to_csv,
    to_document,
    to_yaml,
)
from ladders.models import Competency, Expectation, Ladder, LadderVersion, Level, Track
from ladders.services import versions
from ladders.services.versions import LadderError, ladder_import, version_publish
from tests.builders import ladder_data, large_ladder_data, publish

DEMO_FILES = sorted((Path(ladders.__file__).parent / "demo").glob("*.yaml"))
IMPORT_URL = reverse("ladders:import")
MODELS = (Ladder, LadderVersion, Competency, Track, Level, Expectation)


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


NOTHING = {model.__name__: 0 for model in MODELS}


def without_description(data):
    return dataclasses.replace(data, description="")


def bad_yaml() -> bytes:
    """A ladder file with three problems, each in a different place."""
    doc = to_document(ladder_data())
    doc["tracks"][0]["levels"][1]["grade"] = 1  # IC2: not above IC1
    doc["tracks"][1]["levels"][0]["expectations"]["leadership"] = "Leads."  # unknown key
    doc["ladder"]["colour"] = "red"  # unknown field
    return json.dumps(doc).encode()


BAD_WHERES = [
    "ladder.colour",
    "tracks[0].levels[1].grade",
    "tracks[1].levels[0].expectations.leadership",
]


def export_command(*args, **options) -> str:
    out = StringIO()
    call_command("export_ladder", *args, stdout=out, **options)
    return out.getvalue()


def import_command(path, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_ladder", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# Through the database --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda path: path.stem)
def test_demo_ladder_survives_import_publish_and_export(path):
    original = read_yaml(path.read_bytes())

    version = publish(original)
    exported = to_yaml(versions.ladder_data(version))

    assert read_yaml(exported.encode()) == original


@pytest.mark.django_db
def test_big_ladder_survives_import_publish_and_export_in_both_encodings():
    original = ladder_data(tracks=3, levels=15, competencies=25)

    version = publish(original)
    stored = versions.ladder_data(version)

    assert Expectation.objects.filter(version=version).count() == 3 * 15 * 25
    assert read_yaml(to_yaml(stored).encode()) == original
    assert read_csv(to_csv(stored).encode()) == without_description(original)


@pytest.mark.django_db
def test_unicode_markdown_and_empty_cells_survive_the_database():
    original = ladder_data(tracks=2, levels=2, competencies=2)
    markdown = "Über **bold** 🎉\r\n\r\n- one\n- two  \n  continued\n\n    code\n"
    original.competencies[0].description = markdown
    original.tracks[0].levels[0].expectations["comp-1"] = markdown
    del original.tracks[1].levels[1].expectations["comp-2"]

    version = publish(original)
    stored = versions.ladder_data(version)

    assert stored == original
    assert read_yaml(to_yaml(stored).encode()) == original
    assert read_csv(to_csv(stored).encode()) == without_description(original)
    level = version.levels.get(code="M2")
    assert list(level.expectations.values_list("competency__key", flat=True)) == ["comp-1"]


@pytest.mark.django_db
def test_json_with_escaped_emoji_imports_the_emoji():
    doc = to_document(ladder_data())
    doc["ladder"]["name"] = "Engineering 🚀"
    text = json.dumps(doc)
    assert "\\ud83d\\ude80" in text

    version = ladder_import(data=read_yaml(text.encode()), user=None)

    assert LadderVersion.objects.get(pk=version.pk).name == "Engineering 🚀"


@pytest.mark.django_db
@pytest.mark.parametrize("escape", ["\\u0000", "\\ud83d"], ids=["nul", "half-emoji"])
def test_json_escapes_the_database_cannot_store_are_refused_before_writing(escape):
    doc = to_document(ladder_data())
    text = json.dumps(doc).replace('"Engineering"', f'"Engineering{escape}"', 1)

    with pytest.raises(LadderFormatError):
        read_yaml(text.encode())
    assert row_counts() == NOTHING


@pytest.mark.django_db
def test_import_of_a_new_slug_writes_a_first_draft():
    version = ladder_import(data=ladder_data(), user=None)

    assert (version.ladder.slug, version.number, version.is_draft) == ("engineering", 1, True)
    assert versions.ladder_data(version) == ladder_data()


def test_import_of_an_existing_slug_is_a_new_draft_and_leaves_the_published_version(published):
    before = versions.ladder_data(published)
    changed = ladder_data(name="Engineering (2025)", levels=4)
    changed.tracks[0].levels[0].expectations["comp-1"] = "A different expectation."

    draft = ladder_import(data=changed, user=None)

    assert draft.ladder == published.ladder
    assert (draft.number, draft.is_draft, draft.based_on) == (2, True, published)
    assert versions.ladder_data(draft) == changed
    published.refresh_from_db()
    assert not published.is_draft
    assert published.name == "Engineering"
    assert versions.ladder_data(published) == before
    assert Ladder.objects.count() == 1


def test_import_while_a_draft_exists_is_refused(draft):
    before = row_counts()

    with pytest.raises(LadderError) as info:
        ladder_import(data=ladder_data(name="Another"), user=None)

    assert str(info.value) == (
        "Engineering already has a draft (version 2). Publish or discard it before importing "
        "a new one."
    )
    assert row_counts() == before


def test_a_published_import_becomes_the_current_version(published):
    version = publish(ladder_data(name="Engineering again"), note="Second.")

    assert version.number == 2
    assert not version.is_draft
    assert LadderVersion.objects.current().get(ladder=published.ladder) == version


# Hostile content, stored as written and shown safely --------------------------------


def test_script_in_names_and_expectations_is_stored_as_written_and_escaped_on_the_page(
    client_for, report
):
    script = "<script>alert('x')</script>"
    doc = to_document(ladder_data())
    doc["tracks"][0]["levels"][0]["title"] = script
    doc["tracks"][0]["levels"][0]["expectations"]["comp-1"] = f"{script} **bold**"
    doc["competencies"][0]["name"] = f"{script} craft"
    original = read_yaml(json.dumps(doc).encode())

    version = version_publish(
        version=ladder_import(data=original, user=None), user=None, note="Hostile."
    )

    level = version.levels.get(code="IC1")
    assert level.title == script
    assert level.expectations.get(competency__key="comp-1").text == f"{script} **bold**"
    assert versions.ladder_data(version) == original

    response = client_for(report).get(reverse("ladders:level", args=["engineering", "IC1"]))

    assertContains(response, "&lt;script&gt;alert(")
    assertContains(response, "<strong>bold</strong>")
    assertNotContains(response, "<script>alert")


# All or nothing ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(bad_yaml(), id="three-problems"),
        pytest.param(to_yaml(ladder_data()).replace("grade: 1", "grade: 0").encode(), id="grade-0"),
        pytest.param(
            to_yaml(ladder_data()).replace("name: Engineering", "name: ''", 1).encode(),
            id="empty-name",
        ),
    ],
)
def test_a_file_with_an_error_writes_nothing(tmp_path, data):
    path = tmp_path / "engineering.yaml"
    path.write_bytes(data)

    with pytest.raises(CommandError):
        import_command(path)

    assert row_counts() == NOTHING


def test_a_file_with_an_error_leaves_an_existing_ladder_untouched(tmp_path, published):
    before = row_counts()
    path = tmp_path / "engineering.json"
    path.write_bytes(bad_yaml())

    with pytest.raises(CommandError):
        import_command(path)

    assert row_counts() == before
    assert list(published.ladder.versions.values_list("number", flat=True)) == [1]


# The import command -------------------------------------------------------------------


@pytest.mark.django_db
def test_import_command_writes_a_draft_and_says_so(tmp_path):
    path = tmp_path / "engineering.yaml"
    path.write_text(to_yaml(ladder_data()))

    out, err = import_command(path)

    assert out == "Imported engineering version 1 (a draft).\n"
    assert err == ""
    version = LadderVersion.objects.get(ladder__slug="engineering")
    assert version.is_draft
    assert versions.ladder_data(version) == ladder_data()


@pytest.mark.django_db
def test_import_command_reads_csv_by_its_extension(tmp_path):
    path = tmp_path / "engineering.csv"
    path.write_text(to_csv(ladder_data()))

    import_command(path)

    version = LadderVersion.objects.get(ladder__slug="engineering")
    assert versions.ladder_data(version) == without_description(ladder_data())


@pytest.mark.django_db
def test_import_command_publishes_with_a_note(tmp_path):
    path = tmp_path / "engineering.yaml"
    path.write_text(to_yaml(ladder_data()))

    out, _ = import_command(path, "--publish", "--note", "First version from the file.")

    assert out == "Imported engineering version 1 (published).\n"
    version = LadderVersion.objects.get(ladder__slug="engineering")
    assert not version.is_draft
    assert version.change_note == "First version from the file."
    assert version.published_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("note", [[], ["--note", "   "]], ids=["no-note", "blank-note"])
def test_import_command_refuses_to_publish_without_a_note(tmp_path, note):
    path = tmp_path / "engineering.yaml"
    path.write_text(to_yaml(ladder_data()))

    with pytest.raises(CommandError, match="--publish needs a --note"):
        import_command(path, "--publish", *note)

    assert row_counts() == NOTHING


@pytest.mark.django_db
def test_import_command_lists_every_problem_of_a_bad_file(tmp_path):
    path = tmp_path / "engineering.json"
    path.write_bytes(bad_yaml())
    err = StringIO()

    with pytest.raises(CommandError) as info:
        call_command("import_ladder", str(path), stdout=StringIO(), stderr=err)

    assert str(info.value) == f"{path}: 3 error(s); nothing was imported."
    lines = err.getvalue().splitlines()
    assert sorted(line.split(":")[0] for line in lines) == sorted(BAD_WHERES)
    assert "tracks[0].levels[1].grade: is 1, not above 1 of IC1" in err.getvalue()


def test_import_command_refuses_while_a_draft_exists(tmp_path, draft):
    path = tmp_path / "engineering.yaml"
    path.write_text(to_yaml(ladder_data()))

    with pytest.raises(CommandError, match=r"already has a draft \(version 2\)"):
        import_command(path)

    assert list(draft.ladder.versions.values_list("number", flat=True).order_by("number")) == [
        1,
        2,
    ]


@pytest.mark.django_db
def test_import_command_names_a_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match=r"Cannot read .*missing\.yaml"):
        import_command(tmp_path / "missing.yaml")


# The export command -------------------------------------------------------------------


@pytest.fixture
def two_versions(published):
    """Engineering version 1 published and version 2, a draft with a fourth level."""
    return published, ladder_import(data=ladder_data(levels=4, name="Engineering 2"), user=None)


def test_export_command_prints_the_current_version_as_yaml(two_versions):
    out = export_command("engineering")

    assert out.startswith("format: career-ladder/1\n")
    assert read_yaml(out.encode()) == ladder_data()


def test_export_command_prints_csv(two_versions):
    out = export_command("engineering", "--format", "csv")

    assert out.startswith("ladder_slug,ladder_name,")
    assert read_csv(out.encode()) == without_description(ladder_data())


def test_export_command_prints_the_version_asked_for(two_versions):
    assert read_yaml(export_command("engineering", number=2).encode()) == ladder_data(
        levels=4, name="Engineering 2"
    )
    assert read_yaml(export_command("engineering", "--version", "1").encode()) == ladder_data()


def test_export_command_output_imports_again(two_versions, tmp_path):
    path = tmp_path / "engineering.csv"
    path.write_text(export_command("engineering", "--format", "csv"))
    version_publish(version=two_versions[1], user=None, note="Second.")

    import_command(path)

    newest = LadderVersion.objects.get(ladder__slug="engineering", number=3)
    assert versions.ladder_data(newest) == without_description(ladder_data())


@pytest.mark.django_db
def test_export_command_refuses_an_unknown_slug():
    with pytest.raises(CommandError, match="The ladder 'nope' has no published version"):
        export_command("nope")


def test_export_command_refuses_an_unknown_version(published):
    with pytest.raises(CommandError, match=r"The ladder 'engineering' has no version 9\."):
        export_command("engineering", number=9)


def test_export_command_refuses_a_ladder_with_only_a_draft(db):
    ladder_import(data=ladder_data(), user=None)

    with pytest.raises(CommandError, match="has no published version"):
        export_command("engineering")


# HR's upload page ---------------------------------------------------------------------


def upload(data: bytes, name: str = "engineering.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_hr_sees_the_upload_form(client_for, hr):
    response = client_for(hr).get(IMPORT_URL)

    assert response.status_code == 200
    assertContains(response, 'enctype="multipart/form-data"')
    assertContains(response, 'type="file" name="file"')
    assertNotContains(response, "nothing was imported")


@pytest.mark.parametrize(
    ("name", "write", "expected"),
    [
        ("engineering.yaml", to_yaml, ladder_data()),
        ("engineering.json", lambda data: json.dumps(to_document(data)), ladder_data()),
        ("engineering.csv", to_csv, without_description(ladder_data())),
    ],
    ids=["yaml", "json", "csv"],
)
def test_hr_upload_writes_a_draft_and_opens_the_editor(client_for, hr, name, write, expected):
    client = client_for(hr)

    response = client.post(IMPORT_URL, {"file": upload(write(ladder_data()).encode(), name)})

    assertRedirects(response, reverse("ladders:editor", args=["engineering"]))
    draft = LadderVersion.objects.drafts().get(ladder__slug="engineering")
    assert draft.created_by == hr.user
    assert versions.ladder_data(draft) == expected


def test_hr_upload_of_an_existing_ladder_is_its_next_draft(client_for, hr, published):
    data = to_yaml(ladder_data(name="Engineering 2")).encode()

    response = client_for(hr).post(IMPORT_URL, {"file": upload(data)}, follow=True)

    assertContains(response, "Imported as draft version 2 of Engineering 2.")
    assert published.ladder.versions.drafts().get().number == 2


def test_hr_upload_of_a_bad_file_lists_every_problem_and_writes_nothing(client_for, hr):
    before = row_counts()

    response = client_for(hr).post(IMPORT_URL, {"file": upload(bad_yaml(), "engineering.json")})

    assert response.status_code == 422
    assertContains(response, "3 problems: nothing was imported", status_code=422)
    with pytest.raises(LadderFormatError) as info:
        read_yaml(bad_yaml())
    assert sorted(p.where for p in info.value.problems) == sorted(BAD_WHERES)
    for problem in info.value.problems:
        assertContains(response, f"<li>{escape(str(problem))}</li>", status_code=422)
    assert row_counts() == before


def test_hr_upload_of_a_bad_csv_names_lines_and_columns(client_for, hr):
    text = to_csv(ladder_data()).replace("IC title 2", "")

    response = client_for(hr).post(IMPORT_URL, {"file": upload(text.encode(), "ladder.csv")})

    assertContains(response, "1 problem: nothing was imported", status_code=422)
    assertContains(response, "line 5, column level_title", status_code=422)
    assert row_counts()["Ladder"] == 0


def test_hr_upload_while_a_draft_exists_explains_why(client_for, hr, draft):
    before = row_counts()
    data = to_yaml(ladder_data()).encode()

    response = client_for(hr).post(IMPORT_URL, {"file": upload(data)})

    assertContains(response, "already has a draft (version 2)", status_code=422)
    assert row_counts() == before


def test_hr_upload_over_5_mib_is_refused(client_for, hr):
    data = to_yaml(ladder_data()).encode() + b"#" * MAX_BYTES

    response = client_for(hr).post(IMPORT_URL, {"file": upload(data)})

    assertContains(response, "the limit is 5,242,880 (5 MiB)", status_code=422)
    assert row_counts()["Ladder"] == 0


def test_hr_upload_of_a_csv_over_5_mib_is_taken_up_to_40_mib(client_for, hr):
    original = large_ladder_data()
    exported = to_csv(original).encode()
    assert len(exported) > MAX_BYTES

    response = client_for(hr).post(IMPORT_URL, {"file": upload(exported, "large.csv")})

    assertRedirects(
        response, reverse("ladders:editor", args=["large"]), fetch_redirect_response=False
    )
    draft = LadderVersion.objects.get(ladder__slug="large")
    assert versions.ladder_data(draft) == without_description(original)


def test_hr_upload_of_a_csv_over_40_mib_is_refused(client_for, hr):
    data = to_csv(ladder_data()).encode() + b"#" * MAX_CSV_BYTES

    response = client_for(hr).post(IMPORT_URL, {"file": upload(data, "engineering.csv")})

    assertContains(
        response, "the limit is 41,943,040 (40 MiB). Choose a smaller file.", status_code=422
    )
    assert row_counts()["Ladder"] == 0


@pytest.mark.parametrize(("name", "limit"), [("big.yaml", "5 MiB"), ("big.csv", "40 MiB")])
def test_import_command_refuses_a_file_over_its_limit_without_reading_it(db, tmp_path, name, limit):
    path = tmp_path / name
    path.write_bytes(b"")
    os.truncate(path, 50 * 2**20)  # 50 MiB on paper, nothing on disk

    with pytest.raises(CommandError, match=rf"52,428,800 bytes; the limit for .* \({limit}\)"):
        call_command("import_ladder", str(path), stdout=StringIO(), stderr=StringIO())
    assert row_counts() == NOTHING


def test_hr_upload_without_a_file_is_refused(client_for, hr):
    response = client_for(hr).post(IMPORT_URL, {})

    assertContains(response, "This field is required.", status_code=422)


@pytest.mark.parametrize("persona", ["report", "manager"])
def test_anyone_but_hr_gets_not_found_from_the_upload_page(request, client_for, hr, persona):
    client = client_for(request.getfixturevalue(persona))
    data = to_yaml(ladder_data()).encode()

    assert client.get(IMPORT_URL).status_code == 404
    assert client.post(IMPORT_URL, {"file": upload(data)}).status_code == 404
    assert row_counts()["Ladder"] == 0


def test_upload_needs_the_csrf_token(hr):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr.user)

    response = client.post(IMPORT_URL, {"file": upload(to_yaml(ladder_data()).encode())})

    assert response.status_code == 403
    assert row_counts()["Ladder"] == 0


def test_upload_page_rejects_other_methods(client_for, hr):
    assert client_for(hr).put(IMPORT_URL).status_code == 405


# The export download ------------------------------------------------------------------


def export_url(slug="engineering", **query) -> str:
    url = reverse("ladders:export", args=[slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_reader_downloads_the_current_version_as_yaml(client_for, report, published):
    response = client_for(report).get(export_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="engineering-v1.yaml"'
    assert read_yaml(response.content) == ladder_data()


def test_a_reader_downloads_csv(client_for, report, published):
    response = client_for(report).get(export_url(format="csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="engineering-v1.csv"'
    assert read_csv(response.content) == without_description(ladder_data())


def test_the_download_of_a_demo_ladder_imports_back_unchanged(client_for, report, db):
    original = read_yaml((DEMO_FILES[0]).read_bytes())
    publish(original)

    response = client_for(report).get(export_url(original.slug))

    assert read_yaml(response.content) == original


@pytest.mark.parametrize("kind", ["xml", "json", "YAML", ""])
def test_an_unknown_export_format_is_not_found(client_for, report, published, kind):
    assert client_for(report).get(export_url(format=kind)).status_code == 404


def test_a_draft_downloads_only_for_hr(client, report, hr, draft):
    client.force_login(report.user)
    assert client.get(export_url(version=2)).status_code == 404
    assert client.get(export_url(version=1)).status_code == 200

    client.force_login(hr.user)
    response = client.get(export_url(version=2))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="engineering-v2.yaml"'
    assert read_yaml(response.content) == ladder_data()


def test_an_unknown_ladder_or_version_is_not_found(client_for, report, published):
    client = client_for(report)

    assert client.get(export_url("nope")).status_code == 404
    assert client.get(export_url(version=9)).status_code == 404
    assert client.get(export_url(version="x")).status_code == 404


def test_export_accepts_only_get(client_for, report, published):
    assert client_for(report).post(export_url()).status_code == 405
