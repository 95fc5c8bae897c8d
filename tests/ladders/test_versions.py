"""The services that write ladders: drafts, publishing, editing a draft cell by
cell and part by part, and the differences between two versions."""

import pytest

from ladders.diffing import Change, diff_ladders
from ladders.forms import CompetencyForm, LevelForm
from ladders.ladder_format import CompetencyData, LevelData, TrackData
from ladders.models import Expectation, LadderVersion, Level
from ladders.services.editing import (
    CellConflict,
    competency_add,
    details_update,
    expectation_save,
    item_move,
    item_remove,
    item_save,
    ladder_create,
    level_add,
    track_add,
)
from ladders.services.versions import (
    LadderError,
    draft_discard,
    draft_start,
    publish_blockers,
    version_publish,
    version_published,
)
from ladders.services.versions import ladder_data as content_of
from people.models import LevelChange
from people.services.levels import person_set_level
from tests.builders import ladder_data, publish
from tests.factories import PersonFactory


def cell(version, code, key):
    """The (level, competency) of one cell of ``version``."""
    return version.levels.get(code=code), version.competencies.get(key=key)


def cell_text(version, code, key):
    expectation = Expectation.objects.filter(
        version=version, level__code=code, competency__key=key
    ).first()
    return expectation and expectation.text


# Drafts ---------------------------------------------------------------------------


def test_a_new_draft_is_an_exact_copy_of_the_newest_published_version(published, hr):
    draft = draft_start(ladder=published.ladder, user=hr.user)
    assert draft.pk != published.pk
    assert draft.is_draft
    assert draft.number == 2
    assert draft.based_on == published
    assert draft.created_by == hr.user
    assert content_of(draft) == content_of(published)
    # A copy, not shared rows.
    assert not Expectation.objects.filter(version=draft, level__version=published).exists()
    assert draft.expectations.count() == published.expectations.count() == 18


def test_a_draft_copies_the_newest_published_version_not_the_first(published, draft, hr):
    details_update(version=draft, name="Engineering II", description="Grown.")
    version_publish(version=draft, user=hr.user, note="Second.")
    third = draft_start(ladder=published.ladder, user=hr.user)
    assert third.number == 3
    assert third.based_on_id == draft.pk
    assert content_of(third).name == "Engineering II"


def test_starting_a_draft_when_there_is_one_returns_that_draft(draft, hr):
    again = draft_start(ladder=draft.ladder, user=hr.user)
    assert again.pk == draft.pk
    assert LadderVersion.objects.filter(ladder=draft.ladder).count() == 2


def test_a_draft_cannot_start_from_a_ladder_with_nothing_published(db):
    first = ladder_create(slug="design", name="Design", user=None)
    # The existing draft comes back...
    assert draft_start(ladder=first.ladder, user=None).pk == first.pk
    draft_discard(version=first)
    # ...but with neither a draft nor a published version there is nothing to copy.
    with pytest.raises(LadderError, match="nothing published"):
        draft_start(ladder=first.ladder, user=None)


def test_discarding_a_draft_removes_the_draft_and_only_the_draft(published, draft):
    before = content_of(published)
    draft_discard(version=draft)
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()
    assert not Expectation.objects.filter(version_id=draft.pk).exists()
    assert not Level.objects.filter(version_id=draft.pk).exists()
    assert list(published.ladder.versions.all()) == [published]
    assert content_of(published) == before


def test_a_published_version_cannot_be_discarded(published):
    with pytest.raises(LadderError, match="Version 1 is already published"):
        draft_discard(version=published)
    assert LadderVersion.objects.filter(pk=published.pk).exists()


# Publishing -----------------------------------------------------------------------


def test_publishing_freezes_the_draft_with_number_date_note_and_publisher(draft, hr):
    result = version_publish(version=draft, user=hr.user, note="  Clearer IC levels.  \n")
    stored = LadderVersion.objects.get(pk=draft.pk)
    assert result.pk == draft.pk
    assert stored.status == LadderVersion.Status.PUBLISHED
    assert stored.number == 2
    assert stored.published_at is not None
    assert stored.change_note == "Clearer IC levels."
    assert stored.published_by == hr.user
    with pytest.raises(LadderError, match="is already published"):
        competency_add(version=stored, key="late", name="Late")


@pytest.mark.parametrize("note", ["", "   \n\t "])
def test_publishing_without_a_change_note_is_refused(draft, hr, note):
    with pytest.raises(LadderError, match="Write a change note"):
        version_publish(version=draft, user=hr.user, note=note)
    assert LadderVersion.objects.get(pk=draft.pk).is_draft


def test_a_change_note_over_2000_characters_is_refused(draft, hr):
    with pytest.raises(LadderError, match="2001 characters"):
        version_publish(version=draft, user=hr.user, note="x" * 2001)
    assert LadderVersion.objects.get(pk=draft.pk).is_draft


def test_a_version_cannot_be_published_twice(published, hr):
    with pytest.raises(LadderError, match="already published"):
        version_publish(version=published, user=hr.user, note="Again.")


def test_an_empty_draft_is_blocked_until_it_has_competencies_tracks_and_levels(hr):
    draft = ladder_create(slug="design", name="Design", user=hr.user)
    assert publish_blockers(draft) == [
        "Add at least one competency before publishing.",
        "Add at least one track before publishing.",
    ]
    with pytest.raises(LadderError, match="Add at least one competency"):
        version_publish(version=draft, user=hr.user, note="First.")

    competency_add(version=draft, key="craft", name="Craft")
    ic = track_add(version=draft, key="ic", name="Individual contributor", kind="ic")
    track_add(version=draft, key="management", name="Management", kind="management")
    assert publish_blockers(draft) == [
        "The track “Individual contributor” has no levels yet.",
        "The track “Management” has no levels yet.",
    ]
    with pytest.raises(LadderError, match="“Individual contributor” has no levels yet"):
        version_publish(version=draft, user=hr.user, note="First.")
    assert LadderVersion.objects.get(pk=draft.pk).is_draft

    level_add(track=ic, code="D1", title="Designer", grade=1)
    level_add(track=draft.tracks.get(key="management"), code="DM1", title="Lead", grade=2)
    assert publish_blockers(draft) == []
    assert version_publish(version=draft, user=hr.user, note="First.").number == 1


def test_publishing_announces_the_version_and_the_one_it_replaces(published, draft, hr):
    heard = []

    def listener(sender, version, previous, **kwargs):
        heard.append((version.pk, previous.pk if previous else None))

    version_published.connect(listener)
    try:
        version_publish(version=draft, user=hr.user, note="Second.")
    finally:
        version_published.disconnect(listener)
    assert heard == [(draft.pk, published.pk)]


def test_after_publishing_the_ladder_shows_the_new_version_and_keeps_the_old_one(
    client_for, report, published, draft, hr
):
    details_update(version=draft, name="Engineering II", description="")
    level, competency = cell(draft, "IC2", "comp-1")
    expectation_save(
        level=level, competency=competency, text="Leads designs.", seen_revision=1, user=None
    )
    version_publish(version=draft, user=hr.user, note="Second.")
    client = client_for(report)

    current = client.get("/ladders/engineering/")
    assert current.context["version"].pk == draft.pk
    assert "<h1>Engineering II</h1>" in current.content.decode()
    assert "Version 2, published" in current.content.decode()

    old = client.get("/ladders/engineering/", {"version": 1})
    assert old.status_code == 200
    assert old.context["version"].pk == published.pk
    assert "<h1>Engineering</h1>" in old.content.decode()
    assert "You are reading <strong>version 1</strong>" in old.content.decode()

    old_level = client.get("/ladders/engineering/levels/IC2/", {"version": 1}).content.decode()
    new_level = client.get("/ladders/engineering/levels/IC2/").content.decode()
    assert "At IC2, competency 1 means scope 2." in old_level
    assert "Leads designs." not in old_level
    assert "Leads designs." in new_level


# People follow the ladder -----------------------------------------------------------


def test_people_move_to_the_same_level_of_the_new_version_without_a_level_change(
    published, draft, hr, report, manager, outsider
):
    other_ladder = publish(ladder_data(slug="design", name="Design"))
    person_set_level(person=report, level=published.levels.get(code="IC2"), by=None, source="hr")
    person_set_level(person=manager, level=published.levels.get(code="M1"), by=None, source="hr")
    person_set_level(
        person=outsider, level=other_ladder.levels.get(code="IC2"), by=None, source="hr"
    )
    changes = LevelChange.objects.count()

    version_publish(version=draft, user=hr.user, note="Second.")

    for person in (report, manager, outsider):
        person.refresh_from_db()
    assert report.level == draft.levels.get(code="IC2")
    assert manager.level == draft.levels.get(code="M1")
    assert outsider.level == other_ladder.levels.get(code="IC2")  # another ladder: untouched
    assert LevelChange.objects.count() == changes


def test_someone_whose_level_the_new_version_dropped_keeps_their_old_level(
    published, draft, hr, report, manager
):
    old_ic3 = published.levels.get(code="IC3")
    person_set_level(person=report, level=old_ic3, by=None, source="hr")
    person_set_level(person=manager, level=published.levels.get(code="IC2"), by=None, source="hr")
    item_remove(draft.levels.get(code="IC3"))

    version_publish(version=draft, user=hr.user, note="No more IC3.")

    report.refresh_from_db()
    manager.refresh_from_db()
    assert report.level == old_ic3
    assert manager.level == draft.levels.get(code="IC2")


def test_a_level_is_followed_by_track_key_and_code_not_by_code_alone(published, draft, hr, report):
    person_set_level(person=report, level=published.levels.get(code="IC1"), by=None, source="hr")
    # The draft's IC1 moves to another track (keeping its code): not the same level.
    moved = draft.levels.get(code="IC1")
    Level.objects.filter(pk=moved.pk).update(track=draft.tracks.get(key="management"), grade=1)

    version_publish(version=draft, user=hr.user, note="Moved IC1.")

    report.refresh_from_db()
    assert report.level == published.levels.get(code="IC1")


# Cells ----------------------------------------------------------------------------


def test_saving_a_cell_updates_it_and_counts_the_revision(draft, hr):
    level, competency = cell(draft, "IC1", "comp-1")
    saved = expectation_save(
        level=level,
        competency=competency,
        text="Ships small changes.",
        seen_revision=1,
        user=hr.user,
    )
    assert saved.text == "Ships small changes."
    assert saved.revision == 2
    assert saved.updated_by == hr.user
    again = expectation_save(
        level=level, competency=competency, text="Ships changes.", seen_revision=2, user=hr.user
    )
    assert again.revision == 3
    assert again.pk == saved.pk
    assert cell_text(draft, "IC1", "comp-1") == "Ships changes."


def test_saving_empty_text_clears_the_cell(draft, hr):
    level, competency = cell(draft, "IC1", "comp-1")
    result = expectation_save(
        level=level, competency=competency, text="  \n ", seen_revision=1, user=hr.user
    )
    assert result is None
    assert cell_text(draft, "IC1", "comp-1") is None
    assert draft.expectations.count() == 17


def test_saving_an_empty_cell_creates_its_expectation(draft, hr):
    level, competency = cell(draft, "IC1", "comp-1")
    expectation_save(level=level, competency=competency, text="", seen_revision=1, user=hr.user)
    created = expectation_save(
        level=level, competency=competency, text="Learns fast.", seen_revision=0, user=hr.user
    )
    assert created.revision == 1
    assert created.version == draft
    assert cell_text(draft, "IC1", "comp-1") == "Learns fast."


def test_a_second_editor_with_a_stale_revision_gets_a_conflict_not_an_overwrite(draft, hr):
    other = PersonFactory(name="Otis Other", is_hr=True)
    level, competency = cell(draft, "IC1", "comp-1")
    # Both opened revision 1; the first to save wins.
    expectation_save(
        level=level, competency=competency, text="First editor.", seen_revision=1, user=hr.user
    )
    with pytest.raises(CellConflict) as conflict:
        expectation_save(
            level=level,
            competency=competency,
            text="Second editor.",
            seen_revision=1,
            user=other.user,
        )
    assert conflict.value.current.text == "First editor."
    assert conflict.value.current.revision == 2
    assert conflict.value.current.updated_by == hr.user
    assert cell_text(draft, "IC1", "comp-1") == "First editor."


def test_clearing_with_a_stale_revision_is_a_conflict_too(draft):
    level, competency = cell(draft, "IC1", "comp-1")
    expectation_save(level=level, competency=competency, text="New.", seen_revision=1, user=None)
    with pytest.raises(CellConflict):
        expectation_save(level=level, competency=competency, text="", seen_revision=1, user=None)
    assert cell_text(draft, "IC1", "comp-1") == "New."


def test_a_conflict_when_someone_filled_the_empty_cell_meanwhile(draft):
    level, competency = cell(draft, "IC1", "comp-1")
    expectation_save(level=level, competency=competency, text="", seen_revision=1, user=None)
    # Two editors open the empty cell (revision 0); the first creates it.
    expectation_save(level=level, competency=competency, text="Mine.", seen_revision=0, user=None)
    with pytest.raises(CellConflict) as conflict:
        expectation_save(
            level=level, competency=competency, text="Theirs.", seen_revision=0, user=None
        )
    assert conflict.value.current.text == "Mine."
    assert Expectation.objects.filter(level=level, competency=competency).count() == 1


def test_a_conflict_when_someone_cleared_the_cell_meanwhile(draft):
    level, competency = cell(draft, "IC1", "comp-1")
    expectation_save(level=level, competency=competency, text="", seen_revision=1, user=None)
    with pytest.raises(CellConflict) as conflict:
        expectation_save(
            level=level, competency=competency, text="Edited.", seen_revision=1, user=None
        )
    assert conflict.value.current is None
    assert cell_text(draft, "IC1", "comp-1") is None


def test_a_cell_of_a_published_version_cannot_be_saved(published):
    level, competency = cell(published, "IC1", "comp-1")
    with pytest.raises(LadderError, match="is already published"):
        expectation_save(level=level, competency=competency, text="x", seen_revision=1, user=None)


# Structure ------------------------------------------------------------------------


def test_a_competency_is_added_at_the_end(draft):
    added = competency_add(version=draft, key="comp-4", name="Mentoring", group="People")
    assert [c.key for c in content_of(draft).competencies] == [
        "comp-1",
        "comp-2",
        "comp-3",
        "comp-4",
    ]
    assert added.position > draft.competencies.get(key="comp-3").position


def test_a_competency_can_be_renamed(draft):
    competency = draft.competencies.get(key="comp-2")
    competency.name = "Collaboration"
    item_save(competency, ["name"])
    assert [c.name for c in content_of(draft).competencies] == [
        "Competency 1",
        "Collaboration",
        "Competency 3",
    ]


def test_removing_a_competency_removes_its_expectations(published, draft):
    item_remove(draft.competencies.get(key="comp-2"))
    assert not draft.competencies.filter(key="comp-2").exists()
    assert not draft.expectations.filter(competency__key="comp-2").exists()
    assert draft.expectations.count() == 12
    assert published.expectations.filter(competency__key="comp-2").count() == 6


def test_removing_a_level_removes_its_expectations(draft):
    item_remove(draft.levels.get(code="M2"))
    assert not draft.expectations.filter(level__code="M2").exists()
    assert draft.expectations.count() == 15


def keys(version):
    return [c.key for c in version.competencies.order_by("position")]


def test_a_competency_moves_up_and_down_past_its_neighbour(draft):
    item_move(draft.competencies.get(key="comp-2"), up=True)
    assert keys(draft) == ["comp-2", "comp-1", "comp-3"]
    item_move(draft.competencies.get(key="comp-2"), up=False)
    assert keys(draft) == ["comp-1", "comp-2", "comp-3"]
    item_move(draft.competencies.get(key="comp-1"), up=False)
    assert keys(draft) == ["comp-2", "comp-1", "comp-3"]


def test_moving_past_either_end_changes_nothing(draft):
    item_move(draft.competencies.get(key="comp-1"), up=True)
    item_move(draft.competencies.get(key="comp-3"), up=False)
    assert keys(draft) == ["comp-1", "comp-2", "comp-3"]


def test_tracks_move_too(draft):
    item_move(draft.tracks.get(key="management"), up=True)
    assert [t.key for t in content_of(draft).tracks] == ["management", "ic"]


def test_the_structure_of_a_published_version_cannot_be_edited(published):
    competency = published.competencies.get(key="comp-1")
    operations = [
        lambda: competency_add(version=published, key="x", name="X"),
        lambda: track_add(version=published, key="x", name="X", kind="ic"),
        lambda: level_add(track=published.tracks.get(key="ic"), code="X", title="X", grade=9),
        lambda: item_save(competency, ["name"]),
        lambda: item_remove(competency),
        lambda: item_move(competency, up=False),
        lambda: details_update(version=published, name="X", description=""),
    ]
    for operation in operations:
        with pytest.raises(LadderError, match="Version 1 is already published"):
            operation()
    assert published.competencies.count() == 3


def level_form(draft, instance=None, **data):
    fields = {"track": draft.tracks.get(key="ic").pk, "code": "IC9", "title": "New"}
    return LevelForm(data=fields | data, instance=instance, version=draft)


def test_a_level_needs_a_grade_of_its_own_within_its_track(draft):
    form = level_form(draft, grade=2)
    assert not form.is_valid()
    assert form.errors["grade"] == [
        "Grade 2 on Individual contributor is already IC2 IC title 2: "
        "each level of a track needs its own grade."
    ]


@pytest.mark.parametrize("code", [".", ".."], ids=["dot", "dots"])
def test_a_level_code_of_dots_is_refused_by_the_form(draft, code):
    form = level_form(draft, code=code, grade=9)
    assert not form.is_valid()
    assert form.errors["code"] == [
        f"“{code}” cannot be a level code: in a page address it means "
        f"{'this folder' if code == '.' else 'the folder above'}, so the level's page could "
        "never be opened. Use letters or digits, such as IC1."
    ]


def test_a_grade_taken_on_another_track_is_fine(draft):
    form = level_form(draft, grade=4)  # M3 is grade 4 on the management track
    assert form.is_valid(), form.errors


def test_a_level_keeps_its_own_grade_when_edited(draft):
    ic2 = draft.levels.get(code="IC2")
    assert level_form(draft, instance=ic2, grade=2, title="Renamed").is_valid()
    clash = level_form(draft, instance=ic2, grade=3, title="Renamed")
    assert not clash.is_valid()
    assert "already IC3" in clash.errors["grade"][0]


def test_a_key_already_used_in_the_draft_is_refused_by_the_form(draft):
    form = CompetencyForm(data={"key": "comp-1", "name": "Twin"}, version=draft)
    assert not form.is_valid()
    assert form.errors["key"] == ["“comp-1” is already used in this ladder."]


# Differences between versions -------------------------------------------------------


def test_identical_ladders_have_no_differences():
    result = diff_ladders(ladder_data(), ladder_data())
    assert result.is_empty
    assert result.counts == {"added": 0, "removed": 0, "changed": 0}


def test_the_ladders_name_and_description_changes_are_listed():
    new = ladder_data(name="Engineering II")
    new.description = "How we grow now."
    result = diff_ladders(ladder_data(), new)
    assert result.ladder == [
        Change("changed", "Ladder: name", "Engineering", "Engineering II"),
        Change("changed", "Ladder: description", "How we grow.", "How we grow now."),
    ]


def test_added_removed_and_changed_competencies_with_their_cells():
    old, new = ladder_data(), ladder_data()
    new.competencies[0].name = "Craft"
    new.competencies.pop()  # comp-3 goes, with its cell at each of the 6 levels
    for track in new.tracks:
        for level in track.levels:
            del level.expectations["comp-3"]
    new.competencies.append(CompetencyData(key="comp-4", name="Mentoring"))

    result = diff_ladders(old, new)

    assert result.competencies == [
        Change("changed", "Competency “Craft”: name", "Competency 1", "Craft"),
        Change("added", "Competency “Mentoring”"),
        Change("removed", "Competency “Competency 3”"),
    ]
    assert [(c.kind, c.what) for c in result.cells] == [
        ("removed", f"{code} · Competency 3") for code in ("IC1", "IC2", "IC3", "M1", "M2", "M3")
    ]
    assert result.counts == {"added": 1, "removed": 7, "changed": 1}


def test_added_removed_and_changed_tracks():
    old, new = ladder_data(tracks=3), ladder_data(tracks=3)
    new.tracks[1].name = "People management"
    removed = new.tracks.pop()
    new.tracks.append(TrackData(key="staff", name="Staff", kind="ic"))

    result = diff_ladders(old, new)

    assert result.tracks == [
        Change("changed", "Track “People management”: name", "Management 1", "People management"),
        Change("added", "Track “Staff”"),
        Change("removed", "Track “Management 2”"),
    ]
    # The removed track's levels are removed, each with its 3 cells.
    assert [c.what for c in result.levels] == [
        f"Level {level.code} {level.title}" for level in removed.levels
    ]
    assert {c.kind for c in result.levels} == {"removed"}
    assert result.counts == {"added": 1, "removed": 3 + 9 + 1, "changed": 1}


def test_added_removed_and_changed_levels():
    old, new = ladder_data(), ladder_data()
    ic, management = new.tracks
    ic.levels[1].title = "Engineer"
    management.levels[2].grade = 5
    management.levels.pop(0)  # M1 and its 3 cells
    ic.levels.append(LevelData(code="IC4", title="Staff", grade=4, expectations={"comp-1": "x"}))

    result = diff_ladders(old, new)

    assert result.levels == [
        Change("changed", "Level IC2 Engineer: title", "IC title 2", "Engineer"),
        Change("added", "Level IC4 Staff"),
        Change("changed", "Level M3 M title 3: grade", "4", "5"),
        Change("removed", "Level M1 M title 1"),
    ]
    assert [(c.kind, c.what) for c in result.cells] == [
        ("added", "IC4 · Competency 1"),
        ("removed", "M1 · Competency 1"),
        ("removed", "M1 · Competency 2"),
        ("removed", "M1 · Competency 3"),
    ]
    assert result.counts == {"added": 2, "removed": 4, "changed": 2}


def test_a_level_moved_to_another_track_is_a_change_of_track():
    old, new = ladder_data(), ladder_data()
    moved = new.tracks[0].levels.pop()
    moved.grade = 9
    new.tracks[1].levels.append(moved)
    result = diff_ladders(old, new)
    assert Change("changed", "Level IC3 IC title 3: track", "ic", "management") in result.levels


def test_added_removed_and_changed_cells():
    old, new = ladder_data(), ladder_data()
    ic1 = new.tracks[0].levels[0]
    ic1.expectations["comp-1"] = "At IC1, competency 1 means scope 2."
    del ic1.expectations["comp-2"]
    del old.tracks[0].levels[1].expectations["comp-3"]  # IC2 · comp-3: new in `new`

    result = diff_ladders(old, new)

    assert result.cells == [
        Change(
            "changed",
            "IC1 · Competency 1",
            "At IC1, competency 1 means scope 1.",
            "At IC1, competency 1 means scope 2.",
        ),
        Change("added", "IC2 · Competency 3", "", "At IC2, competency 3 means scope 2."),
        # Cells only the old version has come last.
        Change("removed", "IC1 · Competency 2", "At IC1, competency 2 means scope 1.", ""),
    ]
    assert result.counts == {"added": 1, "removed": 1, "changed": 1}
    assert not result.is_empty


def test_a_cell_changed_only_in_whitespace_wrapping_or_list_markers_is_no_change():
    old, new = ladder_data(), ladder_data()
    cells = new.tracks[0].levels[0].expectations
    cells["comp-1"] = cells["comp-1"].replace(" ", "   ") + "\n"
    cells["comp-2"] = cells["comp-2"].replace(", ", ",\n")
    old.tracks[0].levels[1].expectations["comp-1"] = "Owns:\n\n- tests\n- reviews"
    new.tracks[0].levels[1].expectations["comp-1"] = "Owns:\n\n* tests\n*   reviews\n"
    new.description = old.description + "  \n"
    assert diff_ladders(old, new).is_empty


def test_a_cell_whose_words_stay_but_emphasis_changes_is_a_formatting_change():
    old, new = ladder_data(), ladder_data()
    text = old.tracks[0].levels[0].expectations["comp-1"]
    new.tracks[0].levels[0].expectations["comp-1"] = text.replace("scope", "**scope**")
    (change,) = diff_ladders(old, new).cells
    assert change.kind == "changed"
    assert change.wording.formatting_only


def test_an_edit_of_a_draft_published_meanwhile_is_refused_cleanly(draft, hr):
    # The editor loaded the draft (and its cell) before someone else published it.
    level, competency = cell(draft, "IC1", "comp-1")
    version_publish(version=LadderVersion.objects.get(pk=draft.pk), user=None, note="Done.")
    assert level.version.is_draft  # the editor's stale copy still says draft
    with pytest.raises(LadderError, match="Version 2 is already published"):
        expectation_save(
            level=level, competency=competency, text="Too late.", seen_revision=1, user=hr.user
        )
    assert cell_text(draft, "IC1", "comp-1") != "Too late."
