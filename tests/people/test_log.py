"""The evidence log through HTTP and its service: who reads and writes a person's log,
what an entry may hold, editing while it is its author's (stale forms, frozen entries),
HR's redaction, and a fixed number of queries per page."""

import re
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from people.models import LogEntry
from people.services.departures import person_deactivate
from people.services.evidence_log import (
    LogError,
    log_entries_freeze,
    log_entry_add,
    log_entry_edit,
    log_entry_redact,
)
from people.services.levels import person_set_level
from tests.builders import SIGNED_IN, at_once, ladder_data, level, publish
from tests.factories import PersonFactory

TODAY = timezone.localdate()


def body(response):
    return response.content.decode()


def log_url(person, **query):
    url = reverse("people:log", args=[person.uid])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def edit_url(entry):
    return reverse("people:log_entry_edit", args=[entry.person.uid, entry.uid])


def redact_url(entry):
    return reverse("people:log_entry_redact", args=[entry.person.uid, entry.uid])


def entry_data(**overrides):
    data = {
        "happened_on": (TODAY - timedelta(days=3)).isoformat(),
        "text": "Led the **billing** migration: [notes](https://example.com/notes).",
        "competencies": ["comp-1"],
    }
    return data | overrides


@pytest.fixture
def engineering(db):
    """Engineering version 1: competencies comp-1, comp-2, comp-3."""
    return publish(ladder_data())


@pytest.fixture
def riya(report, engineering):
    """Riya Report, IC1, reporting to Max Manager, who reports to Dana Director."""
    person_set_level(person=report, level=level(engineering, "IC1"), by=None, source="hr")
    report.refresh_from_db()
    return report


@pytest.fixture
def peer(manager):
    """Another of Max's reports: Riya's peer."""
    return PersonFactory(name="Pat Peer", email="pat@example.com", manager=manager)


def add(person, author=None, *, on=None, text="Shipped it.", keys=("comp-1",)):
    return log_entry_add(
        person=person,
        author=author or person,
        happened_on=on or TODAY - timedelta(days=1),
        text=text,
        competencies=keys,
    )


# Who reads and writes ------------------------------------------------------------


@pytest.mark.parametrize("who", ["riya", "manager", "director", "hr"])
def test_the_person_their_chain_and_hr_read_the_log(request, client_for, riya, who):
    add(riya, text="Wrote the on-call runbook.")
    response = client_for(request.getfixturevalue(who)).get(log_url(riya))
    assert response.status_code == 200
    assert "Wrote the on-call runbook." in body(response)


@pytest.mark.parametrize("who", ["peer", "outsider"])
def test_a_peer_or_an_outsider_cannot_see_the_log(request, client_for, riya, who):
    entry = add(riya)
    client = client_for(request.getfixturevalue(who))
    assert client.get(log_url(riya)).status_code == 404
    assert client.post(log_url(riya), entry_data()).status_code == 404
    assert client.get(edit_url(entry)).status_code == 404
    assert client.post(redact_url(entry), {"reason": "No."}).status_code == 404
    assert LogEntry.objects.count() == 1


def test_hr_outside_the_chain_reads_but_does_not_write(client_for, riya, hr):
    client = client_for(hr)
    assert 'id="add-heading"' not in body(client.get(log_url(riya)))
    assert client.post(log_url(riya), entry_data()).status_code == 403
    assert LogEntry.objects.count() == 0


def test_a_manager_cannot_edit_the_persons_entry_nor_redact_it(client_for, riya, manager):
    entry = add(riya)
    client = client_for(manager)
    assert client.get(edit_url(entry)).status_code == 403
    assert client.post(edit_url(entry), entry_data(revision=1)).status_code == 403
    assert client.get(redact_url(entry)).status_code == 403
    assert client.post(redact_url(entry), {"reason": "No."}).status_code == 403
    assert LogEntry.objects.get().text == "Shipped it."


def test_hr_does_not_redact_entries_about_themselves(client_for, hr, engineering):
    person_set_level(person=hr, level=level(engineering, "IC2"), by=None, source="hr")
    hr.refresh_from_db()
    entry = add(hr)
    assert client_for(hr).post(redact_url(entry), {"reason": "Mine."}).status_code == 403


def test_an_entry_of_someone_else_is_not_found_under_this_person(
    client_for, riya, peer, engineering
):
    person_set_level(person=peer, level=level(engineering, "IC2"), by=None, source="hr")
    peer.refresh_from_db()
    entry = add(peer, text="Peer's work.")
    url = reverse("people:log_entry_edit", args=[riya.uid, entry.uid])
    assert client_for(riya).get(url).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_other_methods_are_refused(client_for, riya, method):
    entry = add(riya)
    client = client_for(riya)
    for url in (log_url(riya), edit_url(entry), redact_url(entry)):
        assert getattr(client, method)(url).status_code == 405


# Adding ------------------------------------------------------------------------------


def test_the_person_adds_an_entry_and_sees_it_first(client_for, riya):
    add(riya, on=TODAY - timedelta(days=20), text="Older work.")
    client = client_for(riya)
    response = client.post(log_url(riya), entry_data(competencies=["comp-2", "comp-1"]))
    entry = LogEntry.objects.get(text__startswith="Led")
    assert response.status_code == 302
    assert response.url == f"{log_url(riya)}#entry-{entry.uid}"
    assert entry.author == riya
    assert entry.competencies == ["comp-1", "comp-2"]  # in the rubric's order
    html = body(client.get(log_url(riya)))
    assert "Added to your log." in html
    assert html.index("Led the") < html.index("Older work.")
    assert "<strong>billing</strong>" in html
    assert '<a href="https://example.com/notes">notes</a>' in html
    assert "2 entries." in html
    assert '<li class="log-tag">Competency 1</li><li class="log-tag">Competency 2' in html


def test_a_managers_note_says_whose_it_is(client_for, riya, manager, director):
    client = client_for(director)
    response = client.post(log_url(riya), entry_data(text="Calm in the incident."))
    assert response.status_code == 302
    assert "Added to Riya Report&#x27;s log." in body(client.get(log_url(riya)))
    html = body(client_for(riya).get(log_url(riya)))
    assert "by Dana Director" in html
    assert "Manager's note" in html


def test_markdown_is_rendered_without_running_what_was_typed(client_for, riya):
    add(riya, text='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y">')
    html = body(client_for(riya).get(log_url(riya)))
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("happened_on", (TODAY + timedelta(days=1)).isoformat(), "The date is in the future"),
        ("happened_on", "1999-12-31", "The date is before 2000"),
        ("happened_on", "2025-13-45", "Enter a valid date."),
        ("text", "Fixed \x00 it.", "Null characters are not allowed."),
        ("text", "Fixed \x1b[31m it.", "control character"),
        ("text", "   ", "This field is required."),
        ("text", "y" * 5001, "Keep an entry to 5000 characters (this one has 5001)"),
        ("text", "y" * 2 * 2**20, "Keep an entry to 5000 characters (this one has 2097152)"),
        ("competencies", ["no-such-thing"], "no-such-thing is not a competency"),
        ("competencies", [], "Tag the entry with at least one competency"),
    ],
    ids=["future", "before-2000", "no-date", "nul", "escape", "blank", "long", "2-mib",
         "unknown-competency", "no-competency"],
)  # fmt: skip
def test_a_refused_entry_says_why_beside_its_field_and_keeps_what_was_typed(
    client_for, riya, field, value, error
):
    data = entry_data(**{field: value})
    response = client_for(riya).post(log_url(riya), data)
    html = body(response)
    assert response.status_code == 422
    assert LogEntry.objects.count() == 0
    match = re.search(rf'id="id_{field}_error" class="field-error">([^<]*)<', html)
    assert match, html
    assert error in match.group(1).replace("&#x27;", "'")
    if field != "text":
        assert "Led the **billing** migration" in html  # what was typed, kept


def test_multi_line_markdown_is_kept(riya):
    entry = add(riya, text="Two things:\r\n\r\n- one\n\t- two")
    assert entry.text == "Two things:\r\n\r\n- one\n\t- two"


def test_the_service_refuses_what_the_form_would(riya, peer):
    with pytest.raises(LogError, match="in the future"):
        add(riya, on=TODAY + timedelta(days=1))
    with pytest.raises(LogError, match="control character"):
        add(riya, text="a\x00b")
    with pytest.raises(LogError, match="not a competency"):
        add(riya, keys=["comp-9"])
    with pytest.raises(LogError, match="no level"):
        add(peer)
    assert LogEntry.objects.count() == 0


def test_someone_without_a_level_is_told_why_they_cannot_log(client_for, peer):
    html = body(client_for(peer).get(log_url(peer)))
    assert "no level on a ladder yet" in html
    assert 'id="add-heading"' not in html


def test_the_database_refuses_an_entry_without_text_or_competency(riya):
    for fields in ({"text": ""}, {"competencies": []}, {"happened_on": date(1999, 1, 1)}):
        with pytest.raises(IntegrityError), transaction.atomic():
            LogEntry.objects.create(
                **{"person": riya, "author": riya, "happened_on": TODAY, "text": "x"}
                | {"competencies": ["comp-1"]}
                | fields
            )


# Filtering and pages ---------------------------------------------------------------


def test_the_log_filters_by_competency_and_pages(client_for, riya):
    for day in range(25):
        add(riya, on=TODAY - timedelta(days=day), text=f"Work {day}.", keys=["comp-1"])
    for day in range(3):
        add(riya, on=date(2024, 1, 1 + day), text=f"Design {day}.", keys=["comp-1", "comp-2"])
    client = client_for(riya)
    first = body(client.get(log_url(riya)))
    assert "28 entries, newest first: page 1 of 2." in first
    assert first.count('class="log-entry"') == 20
    assert "Work 0." in first and "Work 19." in first and "Work 20." not in first
    second = body(client.get(log_url(riya, page=2)))
    assert second.count('class="log-entry"') == 8
    assert "Design 0." in second
    filtered = body(client.get(log_url(riya, competency="comp-2")))
    assert "3 entries showing Competency 2." in filtered
    assert filtered.count('class="log-entry"') == 3
    # Changed in place (htmx): only the entries come back, not the page or its form.
    response = client.get(log_url(riya, competency="comp-2"), HTTP_HX_REQUEST="true")
    fragment = body(response)
    assert "HX-Request" in response["Vary"]
    assert fragment.strip().startswith('<div id="log-entries"') and "<h1>" not in fragment
    assert "Add to the log" not in fragment and fragment.count('class="log-entry"') == 3
    # A competency that is none of the ladder's filters nothing, marks nothing invalid.
    ignored = body(client.get(log_url(riya, competency="zz\x00", page="²")))
    assert "28 entries" in ignored and "aria-invalid" not in ignored


# The person (1); whether the viewer is above them (1, none in one's own log); the
# competencies of the ladder's newest version (1); the entries counted and a page of
# them with their authors (2).
LOG_PAGE = 1 + 1 + 1 + 2


@pytest.mark.parametrize("size", [3, 35])
@pytest.mark.parametrize(("who", "queries"), [("riya", LOG_PAGE - 1), ("manager", LOG_PAGE)])
def test_the_log_runs_a_fixed_number_of_queries(
    request, client_for, django_assert_num_queries, riya, manager, size, who, queries
):
    for day in range(size):
        author = manager if day % 3 == 0 else riya
        add(riya, author, on=TODAY - timedelta(days=day), keys=["comp-1", "comp-3"])
    redacted = LogEntry.objects.order_by("pk").first()
    log_entry_redact(entry=redacted, by=PersonFactory(is_hr=True), reason="Wrong person.")
    client = client_for(request.getfixturevalue(who))
    with django_assert_num_queries(SIGNED_IN + queries):
        response = client.get(log_url(riya))
    assert response.status_code == 200
    assert f"{size} entr" in body(response)


# Editing -----------------------------------------------------------------------------


def test_the_author_edits_their_entry(client_for, riya):
    entry = add(riya)
    client = client_for(riya)
    assert 'value="Shipped it."' not in body(client.get(edit_url(entry)))  # a textarea
    assert "Shipped it.</textarea>" in body(client.get(edit_url(entry)))
    data = entry_data(text="Shipped it, and wrote it up.", competencies=["comp-3"], revision=1)
    response = client.post(edit_url(entry), data)
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.text, entry.competencies, entry.revision) == (
        "Shipped it, and wrote it up.",
        ["comp-3"],
        2,
    )
    assert "Edited " in body(client.get(log_url(riya)))


def test_a_stale_edit_changes_nothing_and_keeps_what_was_typed(client_for, riya):
    entry = add(riya)
    log_entry_edit(
        entry=entry, editor=riya, revision=1, happened_on=TODAY, text="Edited elsewhere.",
        competencies=["comp-1"],
    )  # fmt: skip
    response = client_for(riya).post(edit_url(entry), entry_data(text="My version.", revision=1))
    html = body(response)
    assert response.status_code == 409
    assert "changed since you opened it" in html
    assert "Edited elsewhere." in html  # the entry as it is now
    assert "My version.</textarea>" in html  # what was typed
    assert 'name="revision" value="2"' in html  # sent again, it is deliberate
    entry.refresh_from_db()
    assert entry.text == "Edited elsewhere."


def test_a_frozen_entry_is_refused_and_what_was_typed_can_become_a_new_entry(client_for, riya):
    entry = add(riya)
    client = client_for(riya)
    html = body(client.get(log_url(riya)))
    assert f'href="{edit_url(entry)}"' in html
    assert log_entries_freeze(entries=[entry]) == 1
    assert f'href="{edit_url(entry)}"' not in body(client.get(log_url(riya)))
    assert client.get(edit_url(entry)).status_code == 302
    response = client.post(edit_url(entry), entry_data(text="Too late.", revision=1))
    html = body(response)
    assert response.status_code == 409
    assert "used in a check-in or a proposal" in html
    assert "Too late.</textarea>" in html
    assert f'action="{log_url(riya)}"' in html and "Add it as a new entry" in html
    entry.refresh_from_db()
    assert entry.text == "Shipped it."


def test_the_service_refuses_to_edit_a_frozen_entry(riya):
    entry = add(riya)
    log_entries_freeze(entries=[entry])
    with pytest.raises(LogError, match="kept as it was"):
        log_entry_edit(
            entry=entry, editor=riya, revision=1, happened_on=TODAY, text="New.",
            competencies=["comp-1"],
        )  # fmt: skip


def test_the_database_keeps_a_frozen_entry_as_it_was(riya):
    entry = add(riya)
    log_entries_freeze(entries=[entry])
    for change in ({"text": "Rewritten."}, {"frozen_at": None}, {"competencies": ["comp-2"]}):
        with pytest.raises(IntegrityError, match="kept as it was"), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(**change)
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.text == "Shipped it."


def test_an_entry_nothing_uses_may_change_in_the_database(riya):
    entry = add(riya)
    assert LogEntry.objects.filter(pk=entry.pk).update(text="Changed.") == 1


# Redaction --------------------------------------------------------------------------


@pytest.mark.parametrize("frozen", [False, True], ids=["entry", "frozen-entry"])
def test_hr_redacts_an_entry_the_text_is_gone_who_when_why_kept(
    client_for, riya, manager, hr, frozen
):
    entry = add(riya, manager, text="About the wrong person.")
    if frozen:
        log_entries_freeze(entries=[entry])
    client = client_for(hr)
    page = body(client.get(redact_url(entry)))
    assert "About the wrong person." in page
    refused = client.post(redact_url(entry), {"reason": "  "})
    assert refused.status_code == 422
    assert 'id="id_reason_error"' in body(refused)
    response = client.post(redact_url(entry), {"reason": "Written about the wrong person."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.text == ""
    assert entry.redacted_by == hr
    assert entry.redacted_at is not None
    assert entry.redaction_reason == "Written about the wrong person."
    html = body(client_for(riya).get(log_url(riya)))
    assert "About the wrong person." not in html
    assert (
        f"Redacted by Hana People on {timezone.localdate():%-d %b %Y}: "
        "Written about the wrong person."
    ) in html
    assert f'href="{edit_url(entry)}"' not in body(client_for(manager).get(log_url(riya)))


def test_a_redacted_entry_changes_no_more(client_for, riya, hr):
    entry = add(riya)
    log_entry_redact(entry=entry, by=hr, reason="Must not be kept.")
    with pytest.raises(LogError, match="already redacted"):
        log_entry_redact(entry=entry, by=hr, reason="Again.")
    response = client_for(hr).post(redact_url(entry), {"reason": "Again."})
    assert response.status_code == 409
    with pytest.raises(IntegrityError, match="redacted log entry"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(text="Back.")
    refused = client_for(riya).post(edit_url(entry), entry_data(revision=2))
    assert refused.status_code == 409
    assert "HR redacted this entry" in body(refused)
    assert "Add it as a new entry" not in body(refused)
    entry.refresh_from_db()
    assert (entry.text, entry.redaction_reason) == ("", "Must not be kept.")


def test_the_database_refuses_a_redaction_that_keeps_the_text_or_forgets_why(riya, hr):
    entry = add(riya)
    now = timezone.now()
    for fields in (
        {"redacted_at": now, "redacted_by": hr, "redaction_reason": "Why."},
        {"redacted_at": now, "redacted_by": hr, "text": ""},
        {"redacted_at": now, "text": "", "redaction_reason": "Why."},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(**fields)


def test_the_log_of_someone_who_left_is_kept_as_it_was(client_for, riya, manager, hr):
    entry = add(riya)
    person_deactivate(person=riya, by=hr, reason="Moved abroad.")
    client = client_for(manager)
    html = body(client.get(log_url(riya)))
    assert "Riya Report has left the company: their log is kept as it was." in html
    assert 'id="add-heading"' not in html
    assert client.post(log_url(riya), entry_data()).status_code == 403
    with pytest.raises(LogError, match="has left"):
        add(riya, manager)
    assert list(LogEntry.objects.all()) == [entry]


# Races: real threads against PostgreSQL --------------------------------------------


def edit_at(entry, text):
    return lambda: log_entry_edit(
        entry=entry, editor=entry.author, revision=1, happened_on=TODAY, text=text,
        competencies=["comp-1"],
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_one_revision_at_once_keep_one_and_refuse_the_other(riya):
    for round in range(4):
        entry = add(riya, text=f"Round {round}.")
        outcomes = at_once([edit_at(entry, "First."), edit_at(entry, "Second.")], refusal=LogError)
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        [(_, kept)] = [outcome for outcome in outcomes if outcome[0] == "ok"]
        entry.refresh_from_db()
        assert (entry.text, entry.revision) == (kept.text, 2)
        assert [text for kind, text in outcomes if kind == "refused"] == [
            "This entry changed since you opened it: it now reads as shown. Nothing was "
            "changed; your version is below, to send again or to copy."
        ]


@pytest.mark.django_db(transaction=True)
def test_an_edit_and_a_freeze_or_a_redaction_at_once_never_change_a_kept_entry(riya, hr):
    for round in range(4):
        entry = add(riya, text=f"Round {round}.")
        outcomes = at_once(
            [
                edit_at(entry, "Edited."),
                lambda entry=entry: log_entries_freeze(entries=[entry]),
                lambda entry=entry: log_entry_redact(entry=entry, by=hr, reason="Wrong person."),
            ],
            refusal=LogError,
        )
        edited, frozen, redacted = outcomes
        entry.refresh_from_db()
        assert redacted[0] == "ok" and entry.text == "" and entry.is_redacted
        # Whichever came first, the edit went in only before the entry was kept.
        assert edited[0] == "ok" or "kept" in edited[1] or "redacted" in edited[1]
        assert frozen == ("ok", 1 if entry.is_frozen else 0)
