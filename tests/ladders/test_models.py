"""What the database itself guarantees about ladders, whatever code path writes:
a published version and its content are frozen, and the invariants of a version
hold as named constraints."""

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction
from django.utils import timezone

from ladders.models import Competency, Expectation, LadderVersion, Level, Track
from ladders.services.versions import ladder_data as content_of

# The content tables' trigger raises with ERRCODE integrity_constraint_violation
# (SQLSTATE 23000), which Django surfaces as IntegrityError. The version table's
# pgtrigger.Protect raises a plain exception (SQLSTATE P0001, raise_exception),
# which psycopg classes as a ProgrammingError.
CONTENT_FROZEN = IntegrityError
VERSION_FROZEN = ProgrammingError


def snapshot(version):
    """Everything a reader sees of ``version``, plus its row, straight from the database."""
    row = LadderVersion.objects.filter(pk=version.pk).values().get()
    counts = {
        model.__name__: model.objects.filter(version=version).count()
        for model in (Competency, Track, Level, Expectation)
    }
    return row, counts, content_of(LadderVersion.objects.get(pk=version.pk))


# Published versions ---------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Renamed"},
        {"description": "Rewritten"},
        {"change_note": "Another note"},
        {"number": 7},
        {"status": "draft"},
    ],
    ids=["name", "description", "change_note", "number", "back_to_draft"],
)
def test_a_published_version_row_cannot_be_updated(published, change):
    before = snapshot(published)
    with pytest.raises(VERSION_FROZEN, match="Cannot update or delete rows"), transaction.atomic():
        LadderVersion.objects.filter(pk=published.pk).update(**change)
    assert snapshot(published) == before


def test_saving_a_published_version_through_the_model_is_refused(published):
    before = snapshot(published)
    published.name = "Renamed"
    with pytest.raises(VERSION_FROZEN), transaction.atomic():
        published.save()
    assert snapshot(published) == before


def test_deleting_a_published_version_is_refused_at_its_content_first(published):
    """The ORM deletes the cascade (expectations, levels...) before the version row."""
    before = snapshot(published)
    with (
        pytest.raises(CONTENT_FROZEN, match="published ladder version cannot be changed"),
        transaction.atomic(),
    ):
        LadderVersion.objects.filter(pk=published.pk).delete()
    assert snapshot(published) == before


def test_deleting_a_published_version_row_itself_is_refused(published):
    before = snapshot(published)
    with (
        pytest.raises(VERSION_FROZEN, match="Cannot update or delete rows"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM ladders_ladderversion WHERE id = %s", [published.pk])
    assert snapshot(published) == before


def test_an_empty_published_version_cannot_be_deleted_either(published):
    empty = LadderVersion.objects.create(
        ladder=published.ladder,
        number=9,
        name="Empty",
        status=LadderVersion.Status.PUBLISHED,
        published_at=timezone.now(),
        change_note="Nothing in it.",
    )
    with pytest.raises(VERSION_FROZEN), transaction.atomic():
        LadderVersion.objects.filter(pk=empty.pk).delete()
    assert LadderVersion.objects.filter(pk=empty.pk).exists()


CONTENT_UPDATES = {
    "competency": (Competency, {"name": "Renamed"}),
    "track": (Track, {"name": "Renamed"}),
    "level": (Level, {"title": "Renamed"}),
    "expectation": (Expectation, {"text": "Rewritten"}),
}


@pytest.mark.parametrize("kind", CONTENT_UPDATES)
def test_the_content_of_a_published_version_cannot_be_updated(published, kind):
    model, change = CONTENT_UPDATES[kind]
    before = snapshot(published)
    with (
        pytest.raises(CONTENT_FROZEN, match=f"UPDATE on ladders_{model.__name__.lower()}"),
        transaction.atomic(),
    ):
        model.objects.filter(version=published).update(**change)
    assert snapshot(published) == before


@pytest.mark.parametrize("model", [Competency, Track, Level, Expectation])
def test_the_content_of_a_published_version_cannot_be_deleted(published, model):
    before = snapshot(published)
    with pytest.raises(CONTENT_FROZEN, match="DELETE"), transaction.atomic():
        model.objects.filter(version=published).delete()
    assert snapshot(published) == before


def test_a_single_expectation_of_a_published_version_cannot_be_saved(published):
    expectation = Expectation.objects.filter(version=published).first()
    expectation.text = "Quietly changed."
    with pytest.raises(CONTENT_FROZEN), transaction.atomic():
        expectation.save()
    assert Expectation.objects.get(pk=expectation.pk).text != "Quietly changed."


def test_nothing_can_be_added_to_a_published_version(published):
    before = snapshot(published)
    track = published.tracks.get(key="ic")
    level = published.levels.get(code="IC1")
    competency = published.competencies.get(key="comp-1")
    new_rows = {
        "competency": lambda: Competency.objects.create(
            version=published, key="new", name="New", position=9
        ),
        "track": lambda: Track.objects.create(
            version=published, key="new", name="New", kind=Track.Kind.IC, position=9
        ),
        "level": lambda: Level.objects.create(
            version=published, track=track, code="IC9", title="New", grade=9
        ),
        "expectation": lambda: Expectation.objects.create(
            version=published,
            level=Level.objects.get(version=published, code="M3"),
            competency=competency,
            text="New",
        ),
        "bulk": lambda: Competency.objects.bulk_create(
            [Competency(version=published, key="bulk", name="Bulk", position=10)]
        ),
    }
    for kind, create in new_rows.items():
        with pytest.raises(CONTENT_FROZEN, match="INSERT"), transaction.atomic():
            create()
        assert snapshot(published) == before, kind
    assert level.expectations.count() == 3


def test_content_cannot_be_moved_out_of_a_published_version_into_a_draft(published, draft):
    before = snapshot(published)
    with pytest.raises(CONTENT_FROZEN), transaction.atomic():
        Competency.objects.filter(version=published).update(version=draft)
    assert snapshot(published) == before


def test_draft_content_cannot_be_moved_into_a_published_version(published, draft):
    before = snapshot(published), snapshot(draft)
    with pytest.raises(CONTENT_FROZEN), transaction.atomic():
        Competency.objects.filter(version=draft).update(version=published)
    assert (snapshot(published), snapshot(draft)) == before


# Drafts ---------------------------------------------------------------------------


def test_a_drafts_content_is_freely_editable(published, draft):
    published_before = snapshot(published)

    LadderVersion.objects.filter(pk=draft.pk).update(name="Engineering 2", description="New")
    assert Competency.objects.filter(version=draft).update(name="Renamed") == 3
    assert Track.objects.filter(version=draft).update(name="Renamed") == 2
    assert Level.objects.filter(version=draft).update(title="Renamed") == 6
    assert Expectation.objects.filter(version=draft).update(text="Rewritten") == 18

    ic = Track.objects.get(version=draft, key="ic")
    extra = Competency.objects.create(version=draft, key="extra", name="Extra", position=9)
    level = Level.objects.create(version=draft, track=ic, code="IC4", title="New", grade=4)
    Expectation.objects.create(version=draft, level=level, competency=extra, text="New")
    Track.objects.create(version=draft, key="new", name="New", kind="ic", position=9)

    Expectation.objects.filter(version=draft, level__code="IC1").delete()
    Level.objects.filter(version=draft, code="M3").delete()
    Competency.objects.filter(version=draft, key="comp-2").delete()

    content = content_of(LadderVersion.objects.get(pk=draft.pk))
    assert content.name == "Engineering 2"
    assert [c.key for c in content.competencies] == ["comp-1", "comp-3", "extra"]
    assert [t.key for t in content.tracks] == ["ic", "management", "new"]
    assert [lv.code for lv in content.tracks[0].levels] == ["IC1", "IC2", "IC3", "IC4"]
    assert content.tracks[0].levels[0].expectations == {}
    assert content.tracks[0].levels[3].expectations == {"extra": "New"}
    assert snapshot(published) == published_before


def test_a_draft_can_be_deleted_with_its_content(published, draft):
    LadderVersion.objects.filter(pk=draft.pk).delete()
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()
    assert not Expectation.objects.filter(version_id=draft.pk).exists()
    assert Expectation.objects.filter(version=published).count() == 18


def test_publishing_a_draft_is_the_one_update_that_freezes_it(draft):
    LadderVersion.objects.filter(pk=draft.pk).update(
        status="published", published_at=timezone.now(), change_note="Second."
    )
    with pytest.raises(CONTENT_FROZEN), transaction.atomic():
        Competency.objects.filter(version=draft).update(name="Too late")
    with pytest.raises(VERSION_FROZEN), transaction.atomic():
        LadderVersion.objects.filter(pk=draft.pk).update(name="Too late")


# Constraints ----------------------------------------------------------------------


def test_a_ladder_has_at_most_one_draft(draft):
    with pytest.raises(IntegrityError, match="one_draft_per_ladder"), transaction.atomic():
        LadderVersion.objects.create(ladder=draft.ladder, number=3, name="Another draft")
    assert LadderVersion.objects.filter(ladder=draft.ladder).drafts().count() == 1


def test_version_numbers_are_unique_within_a_ladder(published):
    with pytest.raises(IntegrityError, match="version_number_unique"), transaction.atomic():
        LadderVersion.objects.create(ladder=published.ladder, number=1, name="Again")


@pytest.mark.parametrize(
    ("model", "constraint", "make"),
    [
        (
            Competency,
            "competency_key_unique",
            lambda draft: Competency(version=draft, key="comp-1", name="Twin", position=9),
        ),
        (
            Track,
            "track_key_unique",
            lambda draft: Track(version=draft, key="ic", name="Twin", kind="ic", position=9),
        ),
        (
            Level,
            "level_code_unique",
            # Another track and a free grade: only the code clashes.
            lambda draft: Level(
                version=draft,
                track=draft.tracks.get(key="management"),
                code="IC1",
                title="Twin",
                grade=9,
            ),
        ),
    ],
    ids=["competency key", "track key", "level code"],
)
def test_identifiers_are_unique_within_a_version(draft, model, constraint, make):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        make(draft).save()
    assert model.objects.filter(version=draft).count() == {Competency: 3, Track: 2, Level: 6}[model]


def test_the_same_identifiers_are_fine_in_another_version(published, draft):
    """Version 2 is a copy of version 1: every key and code appears in both."""
    assert set(published.levels.values_list("code", flat=True)) == set(
        draft.levels.values_list("code", flat=True)
    )


def test_two_levels_of_a_track_cannot_share_a_grade(draft):
    ic = draft.tracks.get(key="ic")
    with (
        pytest.raises(IntegrityError, match="level_grade_unique_in_track"),
        transaction.atomic(),
    ):
        Level.objects.create(version=draft, track=ic, code="IC2b", title="Twin", grade=2)
    assert ic.levels.count() == 3


def test_levels_of_different_tracks_may_share_a_grade(draft):
    management = draft.tracks.get(key="management")
    Level.objects.create(version=draft, track=management, code="M0", title="Lead", grade=1)
    assert draft.levels.filter(grade=1).count() == 2


@pytest.mark.parametrize("grade", [0, 100])
def test_a_grade_outside_1_to_99_is_refused(draft, grade):
    ic = draft.tracks.get(key="ic")
    with pytest.raises(IntegrityError, match="level_grade_range"), transaction.atomic():
        Level.objects.create(version=draft, track=ic, code="X", title="Out", grade=grade)
    assert not draft.levels.filter(code="X").exists()


@pytest.mark.parametrize("grade", [1, 99])
def test_grades_1_and_99_are_allowed(draft, grade):
    management = draft.tracks.get(key="management")
    Level.objects.create(version=draft, track=management, code="X", title="Edge", grade=grade)
    assert draft.levels.filter(code="X", grade=grade).exists()


def test_an_expectation_cannot_be_empty(draft):
    expectation = draft.expectations.first()
    with pytest.raises(IntegrityError, match="expectation_not_empty"), transaction.atomic():
        Expectation.objects.filter(pk=expectation.pk).update(text="")
    assert Expectation.objects.get(pk=expectation.pk).text == expectation.text


def test_a_cell_holds_one_expectation(draft):
    existing = draft.expectations.select_related("level", "competency").first()
    with pytest.raises(IntegrityError, match="expectation_unique"), transaction.atomic():
        Expectation.objects.create(
            version=draft, level=existing.level, competency=existing.competency, text="Twin"
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"published_at": timezone.now(), "change_note": ""},
        {"published_at": None, "change_note": "A note."},
    ],
    ids=["without a note", "without a date"],
)
def test_the_database_refuses_a_published_version_without_date_and_note(draft, fields):
    with (
        pytest.raises(IntegrityError, match="published_version_has_date_and_note"),
        transaction.atomic(),
    ):
        LadderVersion.objects.filter(pk=draft.pk).update(status="published", **fields)
    assert LadderVersion.objects.get(pk=draft.pk).is_draft
