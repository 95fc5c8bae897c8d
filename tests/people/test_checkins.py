"""Check-ins through HTTP: the person rates, the manager rates seeing the person's
answers, the manager records what they agreed and the check-in closes, kept as it was
(by the database too); one open at a time; cancelling with a reason; a new manager or
level cancels one midway; someone without a manager holds theirs with HR; nothing
typed is lost on a refusal."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from people.models import CheckIn, CheckInEvent, CheckInRating, Evidence, Person
from people.services.cadence import check_in_cadence_set
from people.services.checkins import (
    CheckInError,
    check_in_agree,
    check_in_cancel,
    check_in_notes_redact,
    check_in_rate,
    check_in_start,
    check_ins_rate_people,
)
from people.services.departures import person_deactivate
from people.services.evidence_log import log_entry_add
from people.services.levels import person_set_level
from people.services.reporting_lines import person_set_manager
from people.services.workflow import proposal_create
from tests.builders import (
    SIGNED_IN,
    agreed_check_in,
    at_once,
    check_in_ratings,
    ladder_data,
    level,
    publish,
)
from tests.factories import PersonFactory


def body(response):
    return response.content.decode()


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


@pytest.fixture
def riya(report, engineering):
    """Riya Report, IC1, reporting to Max Manager."""
    person_set_level(person=report, level=level(engineering, "IC1"), by=None, source="hr")
    report.refresh_from_db()
    return report


def rows_of(check_in):
    return list(check_in.ratings.select_related("competency").order_by("competency__position"))


def rate_url(check_in):
    return reverse("people:check_in_rate", args=[check_in.uid])


def test_a_check_in_goes_from_the_person_to_the_manager_to_agreed_and_closed(
    client_for, riya, manager
):
    client = client_for(riya)
    response = client.post(reverse("people:check_in_start", args=[riya.uid]))
    check_in = CheckIn.objects.get()
    assert response.status_code == 302 and response["Location"] == check_in.get_absolute_url()
    page = body(client.get(check_in.get_absolute_url()))
    assert "Send my ratings" in page
    # What IC1 expects and what IC2 expects (what "beyond" means) are on each row.
    assert "At IC1, competency 1 means scope 1." in page
    assert "At IC2, competency 1 means scope 2." in page

    data = check_in_ratings(
        check_in, ["meets", "beyond", "not_yet"], {"Competency 2": "Led the migration."}
    )
    assert client.post(rate_url(check_in), data).status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.MANAGER

    boss = client_for(manager)
    page = body(boss.get(check_in.get_absolute_url()))
    assert "Led the migration." in page and "Riya Report has rated" in page
    data = check_in_ratings(check_in, ["meets", "meets", "not_yet"])
    assert boss.post(rate_url(check_in), data).status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.AGREEING
    # The agreed ratings start from the manager's.
    page = body(boss.get(check_in.get_absolute_url()))
    second = rows_of(check_in)[1].competency_id
    assert re.search(rf'name="rating-{second}" value="meets"[^>]*checked', page)
    data = check_in_ratings(check_in, ["meets", "beyond", "not_yet"])
    assert boss.post(rate_url(check_in), data).status_code == 302

    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.CLOSED and check_in.ended_by == manager
    assert [(r.person_rating, r.manager_rating, r.agreed_rating) for r in rows_of(check_in)] == [
        ("meets", "meets", "meets"),
        ("beyond", "meets", "beyond"),
        ("not_yet", "not_yet", "not_yet"),
    ]
    assert list(check_in.events.order_by("at", "pk").values_list("action", "actor")) == [
        ("started", riya.pk),
        ("person_rated", riya.pk),
        ("manager_rated", manager.pk),
        ("agreed", manager.pk),
    ]
    page = body(client.get(check_in.get_absolute_url()))
    assert "kept as it is, nobody can change it" in page and "Send my ratings" not in page


def test_a_closed_check_in_cannot_change_even_in_the_database(riya, manager):
    check_in = check_in_start(person=riya, by=riya)
    CheckIn.objects.filter(pk=check_in.pk).update(
        state=CheckIn.State.CLOSED, ended_at=check_in.started_at
    )
    for change in (
        lambda: CheckIn.objects.filter(pk=check_in.pk).update(state=CheckIn.State.PERSON),
        lambda: CheckIn.objects.filter(pk=check_in.pk).delete(),
        lambda: CheckInRating.objects.filter(check_in=check_in).update(agreed_rating="beyond"),
        lambda: CheckInEvent.objects.filter(check_in=check_in).update(note="rewritten"),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()


def test_one_open_check_in_per_person(client_for, riya, manager):
    check_in_start(person=riya, by=riya)
    response = client_for(manager).post(reverse("people:check_in_start", args=[riya.uid]))
    assert response.status_code == 409
    assert "Riya Report already has an open check-in: finish or cancel it first." in body(response)
    assert CheckIn.objects.count() == 1


def test_who_sees_and_who_acts(client_for, riya, manager, director, outsider, hr):
    check_in = check_in_start(person=riya, by=manager)
    page, start = check_in.get_absolute_url(), reverse("people:check_in_start", args=[riya.uid])
    listing = reverse("people:check_ins", args=[riya.uid])
    for viewer in (riya, manager, director, hr):
        assert client_for(viewer).get(page).status_code == 200
        assert client_for(viewer).get(listing).status_code == 200
    assert client_for(outsider).get(page).status_code == 404
    assert client_for(outsider).get(listing).status_code == 404
    assert client_for(outsider).post(rate_url(check_in), {}).status_code == 404
    # Above the manager, or HR, one sees but does not act.
    data = check_in_ratings(check_in, ["meets"] * 3)
    assert client_for(director).post(rate_url(check_in), data).status_code == 403
    assert client_for(hr).post(rate_url(check_in), data).status_code == 403
    assert client_for(director).post(start).status_code == 403
    # It is the person's turn, not the manager's.
    assert client_for(manager).post(rate_url(check_in), data).status_code == 403
    assert client_for(riya).get(rate_url(check_in)).status_code == 405
    assert client_for(riya).get("/check-ins/not-a-uuid/").status_code == 404


def test_a_refused_rating_keeps_what_was_typed(client_for, riya):
    check_in = check_in_start(person=riya, by=riya)
    data = check_in_ratings(
        check_in, ["meets", "", "beyond"], {"Competency 3": "Ran the on-call review."}
    )
    response = client_for(riya).post(rate_url(check_in), data)
    html = body(response)
    assert response.status_code == 422
    assert "Rate “Competency 2”." in html
    assert "Ran the on-call review." in html
    assert re.search(r'value="beyond"[^>]*checked', html)
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.PERSON


@pytest.mark.parametrize(
    ("note", "message"),
    [("a\x00b", "Null characters are not allowed."), ("x" * 2001, "at most 2000 characters")],
)
def test_notes_that_cannot_be_kept_are_refused(client_for, riya, note, message):
    check_in = check_in_start(person=riya, by=riya)
    data = check_in_ratings(check_in, ["meets"] * 3, {"Competency 1": note})
    response = client_for(riya).post(rate_url(check_in), data)
    assert response.status_code == 422
    assert message in body(response)


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client_for, riya, manager):
    check_in = check_in_start(person=riya, by=riya)
    stale = check_in_ratings(check_in, ["meets"] * 3, {"Competency 1": "My own words."})
    check_in.revision += 1
    CheckIn.objects.filter(pk=check_in.pk).update(revision=check_in.revision)
    response = client_for(riya).post(rate_url(check_in), stale)
    html = body(response)
    assert response.status_code == 409
    assert "This check-in changed since you opened it" in html
    assert "My own words." in html
    assert f'name="revision" value="{check_in.revision}"' in html


def test_cancelling_says_why(client_for, riya, manager):
    check_in = check_in_start(person=riya, by=riya)
    url = reverse("people:check_in_cancel", args=[check_in.uid])
    response = client_for(manager).post(url, {"revision": check_in.revision, "reason": " "})
    assert response.status_code == 422
    response = client_for(manager).post(
        url, {"revision": check_in.revision, "reason": "Riya is on leave until March."}
    )
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.CANCELLED and check_in.ended_by == manager
    assert "Riya is on leave until March." in body(
        client_for(riya).get(check_in.get_absolute_url())
    )


def test_a_new_level_or_manager_cancels_an_open_check_in_saying_why(
    client_for, riya, manager, director, engineering, hr
):
    check_in = check_in_start(person=riya, by=riya)
    person_set_level(person=riya, level=level(engineering, "IC2"), by=hr.user, source="hr")
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.CANCELLED
    assert (
        check_in.cancel_reason
        == "Riya Report's level changed from IC1 to IC2: what is rated changed."
    )
    second = check_in_start(person=riya, by=riya)
    person_set_manager(person=riya, manager=director)
    second.refresh_from_db()
    assert second.cancel_reason == (
        "Riya Report's manager changed to Dana Director: start a new check-in together."
    )
    # Max no longer sees Riya's growth, but the check-in he held with her (his digest
    # links to it) he still reads.
    assert client_for(manager).get(reverse("people:growth", args=[riya.uid])).status_code == 404
    page = client_for(manager).get(second.get_absolute_url())
    assert page.status_code == 200
    assert "start a new check-in together" in body(page)


def test_a_manager_who_leaves_hands_their_reports_check_ins_to_hr(riya, manager, hr):
    check_in = check_in_start(person=riya, by=riya)
    person_deactivate(person=manager, by=hr, reason="Moved on.")
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.CANCELLED
    assert "manager changed to nobody (HR holds their check-ins)" in check_in.cancel_reason
    held_by_hr = check_in_start(person=riya, by=riya)
    assert held_by_hr.manager is None


def test_someone_without_a_manager_holds_check_ins_with_hr(client_for, top, engineering, hr):
    person_set_level(person=top, level=level(engineering, "M3"), by=None, source="hr")
    check_in = check_in_start(person=top, by=hr)
    client_for(top).post(rate_url(check_in), check_in_ratings(check_in, ["meets"] * 3))
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.MANAGER
    assert "It is HR's turn." in body(client_for(top).get(check_in.get_absolute_url()))
    response = client_for(hr).post(rate_url(check_in), check_in_ratings(check_in, ["meets"] * 3))
    assert response.status_code == 302


def test_the_check_in_page_reads_a_fixed_number_of_queries(
    client_for, riya, django_assert_num_queries
):
    check_in = check_in_start(person=riya, by=riya)
    client = client_for(riya)
    # The check-in, whether one is above its person (none: it is theirs); its ratings,
    # the next level, the expectations; the attachable log entries, those attached, the
    # events.
    with django_assert_num_queries(SIGNED_IN + 7):
        client.get(check_in.get_absolute_url())


def test_each_step_tells_whose_turn_it_is_on_home(client_for, riya, manager, hr):
    check_in = check_in_start(person=riya, by=manager)
    home = body(client_for(riya).get("/"))
    assert "rate each competency of IC1" in home
    assert (
        "check-in"
        not in body(client_for(manager).get("/")).split("Waiting for you")[1].split("</section>")[0]
    )
    client_for(riya).post(rate_url(check_in), check_in_ratings(check_in, ["meets"] * 3))
    assert "Riya Report has rated; your ratings next" in body(client_for(manager).get("/"))
    assert "Riya Report has rated" not in body(client_for(hr).get("/"))


def standing_section(html):
    return html.split('id="standing-heading"')[1].split("</section>")[0]


def test_where_i_stand_shows_each_competency_moving_and_what_is_left(client_for, riya, manager):
    growth = reverse("people:growth", args=[riya.uid])
    assert "No agreed check-in yet" in body(client_for(riya).get(growth))
    assert "No agreed check-in yet: " in body(client_for(riya).get("/"))
    agreed_check_in(riya, manager, ["not_yet", "meets", "meets"])
    agreed_check_in(riya, manager, ["meets", "beyond", "beyond"])
    section = standing_section(body(client_for(riya).get(growth)))
    assert "1 of 3 not yet “beyond” IC1 (working as IC2 asks): Competency 1." in section
    first = section.split("Competency 1</th>")[1].split("</tr>")[0]
    assert re.findall(r">(IC1: [^<]+)</span>", first) == ["IC1: Not yet", "IC1: Meets"]
    # Each move says when: on hover, and to a screen reader.
    today = date_format(timezone.localdate(), "j M Y")
    assert re.findall(r'title="([^"]+)">IC1: ', first) == [today, today]
    assert first.count(f'<span class="visually-hidden"> on {today}</span>') == 2
    home = body(client_for(riya).get("/"))
    assert "3 competencies rated, 1 not yet “beyond” IC1." in home
    agreed_check_in(riya, manager, ["beyond", "beyond", "beyond"])
    section = standing_section(body(client_for(manager).get(growth)))
    assert "Every competency is “beyond” IC1: ready for IC2 by this record." in section
    home = body(client_for(riya).get("/"))
    assert "every one “beyond” IC1: you look ready for IC2." in home


def test_beyond_the_top_of_a_track_is_not_ready_for_a_level_that_does_not_exist(
    client_for, riya, manager, engineering
):
    person_set_level(person=riya, level=level(engineering, "IC3"), by=None, source="hr")
    agreed_check_in(riya, manager, ["beyond", "beyond", "beyond"])
    section = standing_section(
        body(client_for(riya).get(reverse("people:growth", args=[riya.uid])))
    )
    assert "Every competency is “beyond” IC3, the top of its track." in section
    assert "ready for" not in section


def test_where_i_stand_reads_a_fixed_number_of_queries(client_for, riya, manager):
    client = client_for(riya)
    growth = reverse("people:growth", args=[riya.uid])

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(growth)
        return len(context), body(response)

    queries()  # the first visit also reads the levels shown, kept from then on
    nothing_agreed, _ = queries()
    agreed_check_in(riya, manager, ["meets", "meets", "beyond"])
    one, html = queries()
    assert html.count("IC1: Meets</span>") == 2
    again, _ = queries()
    for _ in range(3):
        agreed_check_in(riya, manager, ["meets", "meets", "beyond"])
    four, html = queries()
    # Each check-in agreed is shown at once, by any worker: it moves the person's row.
    assert html.count("IC1: Meets</span>") == 8
    # Nothing agreed: no check-in is read (the person's row says so). Once some are:
    # the latest, their ratings and the next level (3), read the first time the page
    # is asked after an agreement, then kept while the person's row stays as it is.
    assert one == four == nothing_agreed + 3
    assert again == nothing_agreed


def test_a_promotion_request_starts_from_the_log_and_the_last_agreed_check_in(
    client_for, riya, manager, engineering
):
    note = log_entry_add(
        person=riya,
        author=riya,
        happened_on=date(2026, 10, 5),
        text="Wrote the  on-call\nrunbook.",
        competencies=["comp-1", "comp-2"],
    )
    by_manager = log_entry_add(
        person=riya,
        author=manager,
        happened_on=date(2026, 11, 2),
        text="Led the incident review.",
        competencies=["comp-1"],
    )
    with time_machine.travel(datetime(2026, 11, 20, 9, tzinfo=UTC)):
        agreed_check_in(riya, manager, ["beyond", "meets", "meets"])
    response = client_for(riya).post(
        reverse("people:proposal_new"),
        {"kind": "promotion", "target": level(engineering, "IC2").pk},
    )
    assert response.status_code == 302
    texts = dict(Evidence.objects.values_list("competency_key", "text"))
    assert texts["comp-1"] == (
        "From the evidence log:\n"
        "- 2 Nov 2026 (noted by Max Manager): Led the incident review.\n"
        "- 5 Oct 2026: Wrote the on-call runbook.\n\n"
        "Agreed at the check-in of 20 Nov 2026: Beyond."
    )
    assert texts["comp-2"] == (
        "From the evidence log:\n- 5 Oct 2026: Wrote the on-call runbook.\n\n"
        "Agreed at the check-in of 20 Nov 2026: Meets."
    )
    assert texts["comp-3"] == "Agreed at the check-in of 20 Nov 2026: Meets."
    # Used in a proposal, the entries are kept as they were.
    note.refresh_from_db()
    by_manager.refresh_from_db()
    assert note.frozen_at is not None and by_manager.frozen_at is not None


def test_a_manager_sees_their_team_competency_by_competency(
    client_for, riya, manager, report, engineering, django_assert_num_queries
):
    url = reverse("people:team_growth")
    assert client_for(riya).get(url).status_code == 404
    assert "No check-in agreed yet" in body(client_for(manager).get(url))
    agreed_check_in(riya, manager, ["beyond", "beyond", "beyond"])
    for i in range(3):
        teammate = PersonFactory(name=f"Team Mate {i}", manager=manager)
        person_set_level(person=teammate, level=level(engineering, "IC2"), by=None, source="hr")
        agreed_check_in(teammate, manager, ["meets", "beyond", "not_yet"])
    client = client_for(manager)
    # The reports; their latest agreed check-ins, those check-ins' ratings, open ones;
    # the top grade of each track, the competencies (6), whatever the team's size.
    with django_assert_num_queries(SIGNED_IN + 6):
        html = body(client.get(url))
    riya_row = html.split("Riya Report</a>")[1].split("</tr>")[0]
    assert "Looks ready" in riya_row and riya_row.count(">Beyond</span>") == 3
    mate = html.split("Team Mate 0</a>")[1].split("</tr>")[0]
    assert "Looks ready" not in mate
    assert re.findall(r'rating rating-(\w+)">', mate) == ["meets", "beyond", "not_yet"]
    assert f'action="/people/{riya.uid}/check-ins/start/"' in riya_row


def test_a_report_promoted_since_their_last_check_in_does_not_look_ready_again(
    client_for, riya, manager, engineering, hr
):
    agreed_check_in(riya, manager, ["beyond", "beyond", "beyond"])
    url = reverse("people:team_growth")
    assert "Looks ready" in body(client_for(manager).get(url))
    person_set_level(person=riya, level=level(engineering, "IC2"), by=hr.user, source="hr")
    riya_row = body(client_for(manager).get(url)).split("Riya Report</a>")[1].split("</tr>")[0]
    assert "Looks ready" not in riya_row


def test_parity_says_who_looks_ready_and_whether_they_were_proposed(
    client_for, hr, manager, engineering, settings
):
    settings.INSIGHTS_MIN_GROUP = 2
    people = {}
    for name, code, agreed in [
        ("Ready One", "IC1", ["beyond"] * 3),
        ("Ready Two", "IC1", ["beyond"] * 3),
        ("Ready Proposed", "IC1", ["beyond"] * 3),
        ("Almost", "IC1", ["beyond", "meets", "beyond"]),
        ("Top Of Track", "IC3", ["beyond"] * 3),
        ("Lone Manager", "M1", ["beyond"] * 3),
        ("Promoted Since", "IC1", ["beyond"] * 3),
    ]:
        person = PersonFactory(name=name, manager=manager)
        person_set_level(person=person, level=level(engineering, code), by=None, source="hr")
        person.refresh_from_db()
        agreed_check_in(person, manager, agreed)
        people[name] = person
    # "Beyond" IC1, then promoted: not ready at IC2 by a check-in held at IC1.
    person_set_level(
        person=people["Promoted Since"], level=level(engineering, "IC2"), by=None, source="hr"
    )
    proposal_create(
        person=people["Ready Proposed"],
        author=manager,
        kind="promotion",
        target=level(engineering, "IC2"),
    )
    html = body(client_for(hr).get(reverse("people:parity")))
    section = html.split("Ready by their last check-in, and proposed or not")[1]
    rows = section.split("<tbody>")[1].split("</tbody>")[0]
    # Three ICs at grade 1 look ready, one proposed; the top of a track is never ready;
    # the lone manager is a group of one, under the threshold of two.
    assert re.findall(r"<td[^>]*>([^<]+)</td>", rows) == ["Individual contributor", "3", "1", "2"]
    assert "(1 person left out)" in section
    assert "2 of 3 ICs who look ready not yet proposed; fewer than 2 managers look ready" in html
    # With a threshold above every group, the table says why it is empty.
    settings.INSIGHTS_MIN_GROUP = 5
    html = body(client_for(hr).get(reverse("people:parity")))
    assert "Every group is smaller than 5: none is shown." in html
    assert "Fewer than 5 ICs look ready; fewer than 5 managers look ready." in html


def test_hr_redacts_a_check_ins_notes_and_the_reason_stands_in_their_place(
    client_for, riya, manager, hr
):
    agreed_check_in(riya, manager, ["meets", "meets", "meets"], note="About Bo, not Riya.")
    check_in = CheckIn.objects.get()
    first = rows_of(check_in)[0]
    assert first.person_note == first.manager_note == "About Bo, not Riya."
    # Notes written, then kept: the database refuses a plain change once closed.
    with pytest.raises(DatabaseError), transaction.atomic():
        CheckInRating.objects.filter(pk=first.pk).update(person_note="Changed.")
    url = reverse("people:check_in_redact", args=[check_in.uid, "comp-1"])
    assert client_for(riya).post(url, {"reason": "Mine."}).status_code == 403
    assert client_for(manager).post(url, {"reason": "Mine."}).status_code == 403
    response = client_for(hr).post(url, {"reason": " "})
    assert response.status_code == 422
    response = client_for(hr).post(url, {"reason": "Written about the wrong person."})
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.person_note, first.manager_note, first.agreed_rating) == ("", "", "meets")
    assert first.redacted_by == hr
    page = body(client_for(riya).get(check_in.get_absolute_url()))
    assert "Notes redacted by Hana People on" in page
    assert "Written about the wrong person." in page
    assert page.count("About Bo, not Riya.") == 4  # the two other rows' notes stay
    assert check_in.events.filter(action="redacted", actor=hr).count() == 1
    # Once only, and nothing else of a kept row moves.
    assert client_for(hr).post(url, {"reason": "Again."}).status_code == 409
    with pytest.raises(DatabaseError), transaction.atomic():
        CheckInRating.objects.filter(pk=first.pk).update(agreed_rating="beyond")
    unknown = reverse("people:check_in_redact", args=[check_in.uid, "no-such"])
    assert client_for(hr).post(unknown, {"reason": "x"}).status_code == 404


def test_a_side_rating_after_hr_redacted_an_open_check_ins_notes_gets_a_message(
    client_for, riya, manager, hr
):
    check_in = check_in_start(person=riya, by=riya)
    client_for(riya).post(
        rate_url(check_in),
        check_in_ratings(check_in, ["meets"] * 3, {"Competency 1": "About Bo, not Riya."}),
    )
    url = reverse("people:check_in_redact", args=[check_in.uid, "comp-1"])
    assert (
        client_for(hr).post(url, {"reason": "Written about the wrong person."}).status_code == 302
    )
    check_in.refresh_from_db()
    data = check_in_ratings(check_in, ["meets"] * 3, {"Competency 1": "My own note."})
    response = client_for(manager).post(rate_url(check_in), data)
    assert response.status_code == 409
    assert "redacted" in body(response) and "My own note." in body(response)
    check_in.refresh_from_db()
    assert check_in.state == CheckIn.State.MANAGER
    # Without a note on the redacted row, the step goes on.
    data = check_in_ratings(check_in, ["meets"] * 3, {"Competency 2": "Fine."})
    assert client_for(manager).post(rate_url(check_in), data).status_code == 302


# Races: real threads against PostgreSQL --------------------------------------------


def cancel_by(check_in, by, revision):
    return lambda: check_in_cancel(
        check_in=check_in, by=by, revision=revision, reason=f"Cancelled by {by.name}."
    )


@pytest.mark.django_db(transaction=True)
def test_both_sides_cancelling_at_once_cancel_once_and_tell_the_other(riya, manager):
    for _ in range(4):
        check_in = check_in_start(person=riya, by=riya)
        outcomes = at_once(
            [cancel_by(check_in, riya, 1), cancel_by(check_in, manager, 1)],
            refusal=CheckInError,
        )
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        [refused] = [said for kind, said in outcomes if kind == "refused"]
        assert refused.startswith("This check-in changed since you opened it: it is now “Cancel")
        check_in.refresh_from_db()
        assert check_in.state == CheckIn.State.CANCELLED and check_in.revision == 2
        assert check_in.events.filter(action=CheckInEvent.Action.CANCELLED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_agreeing_while_the_person_cancels_ends_it_one_way_only(riya, manager):
    for _ in range(4):
        check_in = check_in_start(person=riya, by=riya)
        pks = [row.competency_id for row in rows_of(check_in)]
        for by, revision in ((riya, 1), (manager, 2)):
            check_in_rate(
                check_in=check_in,
                by=by,
                revision=revision,
                ratings={pk: ("meets", "") for pk in pks},
            )
        agree = lambda check_in=check_in, pks=pks: check_in_agree(  # noqa: E731
            check_in=check_in, by=manager, revision=3, agreed=dict.fromkeys(pks, "beyond")
        )
        outcomes = at_once([agree, cancel_by(check_in, riya, 3)], refusal=CheckInError)
        assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
        check_in.refresh_from_db()
        assert check_in.state in (CheckIn.State.CLOSED, CheckIn.State.CANCELLED)
        agreed = {row.agreed_rating for row in rows_of(check_in)}
        if check_in.state == CheckIn.State.CLOSED:
            assert agreed == {"beyond"} and check_in.cancel_reason == ""
        else:
            assert agreed == {""}
        assert check_in.events.filter(from_state=CheckIn.State.AGREEING).count() == 1


@pytest.mark.django_db(transaction=True)
def test_hr_redacting_while_the_manager_rates_never_writes_a_note_on_redacted_notes(
    riya, manager, hr
):
    for round in range(6):
        check_in = check_in_start(person=riya, by=riya)
        rows = rows_of(check_in)
        notes = {row.competency_id: ("meets", "About Bo.") for row in rows}
        check_in_rate(check_in=check_in, by=riya, revision=1, ratings=notes)
        rate = lambda check_in=check_in, notes=notes: check_in_rate(  # noqa: E731
            check_in=check_in, by=manager, revision=2, ratings=notes
        )
        redact = lambda row=rows[0], round=round: check_in_notes_redact(  # noqa: E731
            rating=row, by=hr, reason=f"Round {round}: about the wrong person."
        )
        outcomes = at_once([rate, redact], refusal=CheckInError)
        redacted = CheckInRating.objects.get(pk=rows[0].pk)
        assert redacted.redacted_at is not None
        assert (redacted.person_note, redacted.manager_note) == ("", "")
        if outcomes[0][0] == "refused":
            assert "HR redacted the notes on Competency 1" in outcomes[0][1]
        check_in_cancel(check_in=check_in, by=riya, revision=None, reason=f"Round {round} is over.")


@pytest.mark.django_db(transaction=True)
def test_a_new_manager_while_the_old_one_agrees_changes_the_manager_either_way(
    riya, manager, director
):
    managers = [manager, director]
    for round in range(6):
        holder, other = managers[round % 2], managers[(round + 1) % 2]
        check_in = check_in_start(person=riya, by=riya)
        pks = [row.competency_id for row in rows_of(check_in)]
        for by, revision in ((riya, 1), (holder, 2)):
            check_in_rate(
                check_in=check_in,
                by=by,
                revision=revision,
                ratings={pk: ("meets", "") for pk in pks},
            )
        agree = lambda check_in=check_in, pks=pks, holder=holder: check_in_agree(  # noqa: E731
            check_in=check_in, by=holder, revision=3, agreed=dict.fromkeys(pks, "meets")
        )
        move = lambda other=other: person_set_manager(person=riya, manager=other)  # noqa: E731
        outcomes = at_once([agree, move], refusal=CheckInError)
        assert outcomes[1][0] == "ok", outcomes
        riya.refresh_from_db()
        assert riya.manager_id == other.pk
        check_in.refresh_from_db()
        assert check_in.state in (CheckIn.State.CLOSED, CheckIn.State.CANCELLED)


def test_after_a_promotion_the_last_check_in_says_nothing_of_readiness(
    client_for, riya, manager, engineering
):
    agreed_check_in(riya, manager, ["beyond", "beyond", "beyond"])
    client = client_for(riya)
    growth = reverse("people:growth", args=[riya.uid])
    # Seen before the promotion (and kept), then after it: the move is seen at once.
    assert "ready for IC2" in standing_section(body(client.get(growth)))
    assert "you look ready for IC2" in body(client.get("/"))
    person_set_level(person=riya, level=level(engineering, "IC2"), by=None, source="hr")
    section = standing_section(body(client.get(growth)))
    assert "That was at IC1, before the move to IC2" in section
    assert "ready for" not in section
    assert "at IC1, before your move" in body(client.get("/"))


def test_sending_ones_own_step_again_says_where_the_check_in_went(client_for, riya, manager):
    check_in = check_in_start(person=riya, by=riya)
    data = check_in_ratings(check_in, ["meets"] * 3)
    client = client_for(riya)
    assert client.post(rate_url(check_in), data).status_code == 302
    response = client.post(rate_url(check_in), data)
    assert response.status_code == 409
    assert "it is now “Waiting for the manager&#x27;s ratings”. Nothing was saved." in body(
        response
    )


def test_someone_without_a_level_is_told_why_there_is_no_check_in_to_start(client_for, report):
    listing = reverse("people:check_ins", args=[report.uid])
    page = body(client_for(report).get(listing))
    assert "Start a check-in" not in page
    assert "You have no level yet. A check-in rates the competencies of a level" in page
    start = reverse("people:check_in_start", args=[report.uid])
    assert client_for(report).post(start).status_code == 403
    assert not CheckIn.objects.filter(person=report).exists()


def test_a_check_in_due_by_the_cadence_shows_on_home_the_list_and_the_team_view(
    client_for, report, manager, engineering, hr
):
    with time_machine.travel(datetime(2026, 1, 31, 12, tzinfo=UTC), tick=False):
        person_set_level(person=report, level=level(engineering, "IC1"), by=None, source="hr")
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    team = reverse("people:team_growth")
    listing = reverse("people:check_ins", args=[report.uid])
    with time_machine.travel(datetime(2026, 4, 29, 12, tzinfo=UTC), tick=False):
        assert "next due by 30 Apr 2026" in body(client_for(manager).get(team))
        assert (
            "Your next check-in is due by 30 Apr 2026: the ladder asks for one every quarter."
            in body(client_for(report).get("/"))
        )
    with time_machine.travel(datetime(2026, 5, 2, 12, tzinfo=UTC), tick=False):
        assert "Check-in due since 30 Apr 2026" in body(client_for(manager).get(team))
        assert "Riya Report's check-in has been due since 30 Apr 2026" in body(
            client_for(manager).get(listing)
        )
        assert "Your check-in has been due since 30 Apr 2026" in body(client_for(report).get("/"))
        check_in_start(person=report, by=report)
        # One is open: nothing is due.
        assert "due since" not in body(client_for(manager).get(team))
        assert "due since" not in body(client_for(report).get(listing))


def test_the_person_keeps_the_date_of_their_latest_agreed_check_in(riya, manager):
    """Person.last_agreed_at, which the database keeps: when the next is due reads it."""
    stale = Person.objects.get(pk=riya.pk)
    assert stale.last_agreed_at is None
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        first = agreed_check_in(riya, manager, ["meets"] * 3)
    with time_machine.travel(datetime(2026, 9, 1, 10, tzinfo=UTC), tick=False):
        cancelled = check_in_start(person=riya, by=riya)
        check_in_cancel(check_in=cancelled, by=riya, revision=None, reason="Out of time.")
    riya.refresh_from_db()
    assert riya.last_agreed_at == first.ended_at == datetime(2026, 3, 2, 10, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 10, 5, 10, tzinfo=UTC), tick=False):
        agreed_check_in(riya, manager, ["meets"] * 3)
    # A save of the person as read before either (an admin form left open) keeps it.
    stale.name = "Riya R."
    stale.save()
    stale.refresh_from_db()
    assert stale.last_agreed_at == datetime(2026, 10, 5, 10, tzinfo=UTC)


def beyond_all(person) -> bool:
    return Person.objects.values_list("last_agreed_beyond_all", flat=True).get(pk=person.pk)


def agreed_at_level(person):
    return Person.objects.values_list("last_agreed_level", flat=True).get(pk=person.pk)


def test_the_person_keeps_whether_their_latest_agreed_check_in_was_beyond_throughout(riya, manager):
    """Person.last_agreed_beyond_all, which the database keeps: parity's "looks ready"
    reads it for the whole company at once."""
    stale = Person.objects.get(pk=riya.pk)
    assert not beyond_all(riya)
    assert agreed_at_level(riya) is None
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=UTC), tick=False):
        agreed_check_in(riya, manager, ["beyond"] * 3)
    assert beyond_all(riya)
    assert agreed_at_level(riya) == riya.level_id  # and at which level
    # A save of the person as read before (an admin form left open) keeps both.
    stale.name = "Riya R."
    stale.save()
    assert beyond_all(riya)
    assert agreed_at_level(riya) == riya.level_id
    # A cancelled check-in says nothing; the next agreed one, short on one, clears it.
    with time_machine.travel(datetime(2026, 6, 1, 10, tzinfo=UTC), tick=False):
        cancelled = check_in_start(person=riya, by=riya)
        check_in_cancel(check_in=cancelled, by=riya, revision=None, reason="Out of time.")
    assert beyond_all(riya)
    with time_machine.travel(datetime(2026, 9, 1, 10, tzinfo=UTC), tick=False):
        agreed_check_in(riya, manager, ["beyond", "meets", "beyond"])
    assert not beyond_all(riya)
    # Nor can a save set either: only the database, from the check-ins, writes them.
    Person.objects.filter(pk=riya.pk).update(last_agreed_beyond_all=True, last_agreed_level=None)
    assert not beyond_all(riya)
    assert agreed_at_level(riya) == riya.level_id


def test_check_ins_written_before_their_ratings_are_rated_by_a_recount(riya, manager, hr):
    """The demo writes a year of agreed check-ins first and their ratings after: the
    recount reads each person's latest from its ratings, as agreeing one does, and
    touches nobody else (Max, agreed short of "beyond", stays as he was)."""
    ended = datetime(2026, 3, 2, 10, tzinfo=UTC)
    check_in = CheckIn.objects.create(
        person=riya,
        manager=manager,
        level=riya.level,
        version=riya.level.version,
        state=CheckIn.State.CLOSED,
        started_at=ended,
        started_by=riya,
        ended_at=ended,
        ended_by=manager,
    )
    assert not beyond_all(riya)  # no rating yet: nothing to be beyond in
    CheckInRating.objects.bulk_create(
        CheckInRating(check_in=check_in, competency=c, agreed_rating="beyond")
        for c in riya.level.version.competencies.all()
    )
    assert not beyond_all(riya)
    check_ins_rate_people()
    assert beyond_all(riya)
    assert agreed_at_level(riya) == check_in.level_id
    assert not beyond_all(manager)
