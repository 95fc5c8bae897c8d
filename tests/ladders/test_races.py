"""Two HR people at once, for real: each side in its own thread and its own database
connection, the second started while the first's transaction is still open, and the
first committed only once the second waits on its locks. The second must get a clear
message (never a 404 or a 500), and nothing half-written may remain."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from ladders.models import Expectation, Ladder, LadderVersion
from ladders.services.editing import (
    AlreadyExists,
    CellConflict,
    competency_add,
    expectation_save,
    ladder_create,
    level_add,
    track_add,
)
from ladders.services.versions import draft_discard, version_publish
from tests.builders import shown
from tests.factories import PersonFactory

SLUG = {"slug": "engineering"}
HTMX = {"HX-Request": "true"}


def url(name, **kwargs):
    return reverse(f"ladders:{name}", kwargs=kwargs)


def signed_in(person):
    """A client of its own: the test client is not shared between threads."""
    client = Client()
    client.force_login(person.user)
    return client


def cell(version, code, key):
    return version.levels.get(code=code), version.competencies.get(key=key)


def cell_text(version, code, key):
    expectation = Expectation.objects.filter(
        version=version, level__code=code, competency__key=key
    ).first()
    return expectation and expectation.text


def _wait_until_another_session_waits_for_ours(timeout=10):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_locks "
                "WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("The second never waited for the first.")


def second_waits_for_first(first, second):
    """Run ``first`` in a transaction of this thread and, while it is still open,
    ``second`` in another thread. Commit once ``second`` waits on ``first``'s locks.
    Returns ``second``'s outcome: {"result": ...} or {"error": ...}."""
    outcome = {}

    def run():
        try:
            outcome["result"] = second()
        except Exception as error:  # the caller's assertions say what it was
            outcome["error"] = error
        finally:
            connection.close()

    with transaction.atomic():
        first()
        thread = threading.Thread(target=run)
        thread.start()
        _wait_until_another_session_waits_for_ours()
    thread.join(timeout=20)
    assert not thread.is_alive(), "the second is stuck"
    return outcome


# Colliding creates ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_editors_filling_the_same_empty_cell_at_once_get_one_save_and_a_conflict(draft):
    """Nothing to lock in an empty cell: the second insert waits on the unique index
    until the first commits, and must then be told of the first's text."""
    level, competency = cell(draft, "IC1", "comp-1")
    expectation_save(level=level, competency=competency, text="", seen_revision=1, user=None)

    outcome = second_waits_for_first(
        lambda: expectation_save(
            level=level, competency=competency, text="First.", seen_revision=0, user=None
        ),
        lambda: expectation_save(
            level=level, competency=competency, text="Second.", seen_revision=0, user=None
        ),
    )

    assert isinstance(outcome.get("error"), CellConflict), outcome
    assert outcome["error"].current.text == "First."
    assert cell_text(draft, "IC1", "comp-1") == "First."


@pytest.mark.django_db(transaction=True)
def test_two_hr_people_creating_the_same_ladder_at_once_get_one_ladder_and_a_message(hr):
    client = signed_in(hr)

    outcome = second_waits_for_first(
        lambda: ladder_create(slug="design", name="Design", user=hr.user),
        lambda: client.post(url("new"), {"slug": "design", "name": "Design, too"}),
    )

    response = outcome["result"]
    assert response.status_code == 422
    assert "A ladder with the slug “design” already exists. Choose another slug" in (
        response.content.decode()
    )
    assert [v.name for v in LadderVersion.objects.filter(ladder__slug="design")] == ["Design"]
    assert Ladder.objects.filter(slug="design").count() == 1


# What the first adds, what the second posts at the same moment, and the field the
# second is told about.
COLLISIONS = {
    "competency-key": (
        lambda draft: competency_add(version=draft, key="mentoring", name="Mentoring"),
        "competencies",
        {"key": "mentoring", "name": "Mentoring, too"},
        "key",
        "The key “mentoring” was just taken",
    ),
    "track-key": (
        lambda draft: track_add(version=draft, key="staff", name="Staff", kind="ic"),
        "tracks",
        {"key": "staff", "name": "Staff, too", "kind": "ic"},
        "key",
        "The key “staff” was just taken",
    ),
    "level-code": (
        lambda draft: level_add(track=draft.tracks.get(key="ic"), code="IC9", title="A", grade=9),
        "levels",
        {"code": "IC9", "title": "B", "grade": "8"},
        "code",
        "The code “IC9” was just taken",
    ),
    "level-grade": (
        lambda draft: level_add(track=draft.tracks.get(key="ic"), code="IC9", title="A", grade=9),
        "levels",
        {"code": "IC10", "title": "B", "grade": "9"},
        "grade",
        "Grade 9 on this track was just taken",
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("collision", COLLISIONS)
def test_two_hr_people_adding_the_same_part_at_once_get_one_and_a_message(draft, hr, collision):
    add_first, kind, posted, field, message = COLLISIONS[collision]
    if kind == "levels":
        posted = posted | {"track": draft.tracks.get(key="ic").pk}
    client = signed_in(hr)
    parts_before = (draft.competencies.count(), draft.tracks.count(), draft.levels.count())

    outcome = second_waits_for_first(
        lambda: add_first(draft),
        lambda: client.post(url("item_add", **SLUG, kind=kind), posted),
    )

    response = outcome["result"]
    html = response.content.decode()
    assert response.status_code == 409
    told = f"{message} by someone else's change to this draft. Choose another {field}"
    assert escape(told) in html
    assert f'name="{field}"' in html, "the editor shows the form again, with what was typed"
    parts = (draft.competencies.count(), draft.tracks.count(), draft.levels.count())
    assert sum(parts) == sum(parts_before) + 1


@pytest.mark.django_db(transaction=True)
def test_the_service_names_the_field_of_a_colliding_add(draft):
    outcome = second_waits_for_first(
        lambda: competency_add(version=draft, key="mentoring", name="Mentoring"),
        lambda: competency_add(version=draft, key="mentoring", name="Mentoring, too"),
    )

    assert isinstance(outcome.get("error"), AlreadyExists), outcome
    assert outcome["error"].field == "key"
    assert list(draft.competencies.filter(key="mentoring").values_list("name", flat=True)) == [
        "Mentoring"
    ]


# Discarding while someone edits ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_cell_saved_while_the_draft_is_being_discarded_is_told_it_was_discarded(draft, hr):
    client = signed_in(hr)
    cell_url = url("cell", **SLUG, key="comp-1", code="IC2")

    outcome = second_waits_for_first(
        lambda: draft_discard(version=draft),
        lambda: client.post(cell_url, {"text": "Too late.", "revision": "1"}, headers=HTMX),
    )

    response = outcome["result"]
    html = response.content.decode()
    assert response.status_code == 409
    assert "Draft version 2 was discarded since you opened this page, so nothing was changed" in (
        html
    )
    assert "Too late." in html, "what they typed stays on the page"
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()
    assert not Expectation.objects.filter(version_id=draft.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_discard_sent_while_a_cell_is_being_saved_waits_for_it_then_discards(draft):
    level, competency = cell(draft, "IC2", "comp-1")

    outcome = second_waits_for_first(
        lambda: expectation_save(
            level=level, competency=competency, text="Saved.", seen_revision=1, user=None
        ),
        lambda: draft_discard(version=draft),
    )

    assert outcome == {"result": None}
    assert not LadderVersion.objects.filter(pk=draft.pk).exists()
    assert not Expectation.objects.filter(version_id=draft.pk).exists()


# Publishing at once ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_hr_people_publishing_at_once_publish_once_and_the_second_is_told(draft, hr):
    other = PersonFactory(name="Otis Other", is_hr=True)
    client = signed_in(hr)

    outcome = second_waits_for_first(
        lambda: version_publish(version=draft, user=other.user, note="Theirs."),
        lambda: client.post(url("publish", **SLUG), shown(draft, note="Mine.")),
    )

    response = outcome["result"]
    assert (response.status_code, response.url) == (302, url("detail", **SLUG))
    page = client.get(response.url).content.decode()
    assert "Version 2 is already published: it was published since you opened this page" in page
    assert "nothing was changed" in page
    published = LadderVersion.objects.get(pk=draft.pk)
    assert (published.published_by, published.change_note) == (other.user, "Theirs.")
    assert list(draft.ladder.versions.values_list("number", "status")) == [
        (1, "published"),
        (2, "published"),
    ]
