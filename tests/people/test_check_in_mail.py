"""Check-in mail: one digest a day at most per person, with what moved in their
check-ins since the last (no mail at each step), steps stalled for a week and
check-ins due by their ladder's cadence; the link in it stops it (signed in or not)."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from people.models import CheckInEvent, Person
from people.services.cadence import check_in_cadence_set
from people.services.check_in_mail import (
    check_in_digests_send,
    person_from_stop_token,
    stop_token,
)
from people.services.checkins import check_in_cancel, check_in_rate, check_in_start
from people.services.levels import person_set_level
from tests.builders import agreed_check_in, at_once, ladder_data, level, publish
from tests.factories import PersonFactory

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


def placed(person, engineering):
    person_set_level(person=person, level=level(engineering, "IC1"), by=None, source="hr")
    return person


def rated_by_person(person):
    check_in = check_in_start(person=person, by=person)
    check_in_rate(
        check_in=check_in,
        by=person,
        revision=check_in.revision,
        ratings={r.competency_id: ("meets", "") for r in check_in.ratings.all()},
    )
    return check_in


def sent(mailoutbox):
    return [(mail.to[0], mail.subject) for mail in mailoutbox]


@pytest.fixture
def digests(digest_mails):
    """Run the daily digest at ``moment``; returns the (to, subject) pairs it mailed."""
    return lambda moment: sent(digest_mails(moment))


def test_each_step_is_news_in_the_next_daily_digest_not_a_mail_at_once(
    client_for, report, manager, engineering, mailoutbox, digests
):
    riya = placed(report, engineering)
    with time_machine.travel(MONDAY, tick=False):
        check_in = check_in_start(person=riya, by=manager)
    assert mailoutbox == []
    # Home says it at once.
    assert "rate each competency of IC1" in client_for(riya).get("/").content.decode()

    assert digests(MONDAY + timedelta(hours=8)) == [("riya@example.com", "Check-ins: 1 new")]
    body = mailoutbox[0].body
    assert "Max Manager started a check-in with you: rate each competency of IC1" in body
    assert check_in.get_absolute_url() in body

    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        client_for(riya).post(
            reverse("people:check_in_rate", args=[check_in.uid]),
            {
                "revision": 1,
                **{f"rating-{r.competency_id}": "meets" for r in check_in.ratings.all()},
            },
        )
    # Riya acted herself: nothing new for her; her manager's turn is news to him.
    assert digests(MONDAY + timedelta(days=1, hours=8)) == [("max@example.com", "Check-ins: 1 new")]
    assert "Riya Report has rated each competency of IC1: your ratings next" in mailoutbox[0].body

    with time_machine.travel(MONDAY + timedelta(days=2), tick=False):
        check_in_cancel(
            check_in=check_in, by=manager, revision=2, reason="Riya moves teams next week."
        )
    assert digests(MONDAY + timedelta(days=2, hours=8)) == [
        ("riya@example.com", "Check-ins: 1 new")
    ]
    assert (
        "Your check-in of 2 Mar 2026 was cancelled by Max Manager: Riya moves teams next week."
        in mailoutbox[0].body
    )
    # Nothing new since: no mail.
    assert digests(MONDAY + timedelta(days=3, hours=8)) == []


def test_one_digest_a_day_gathers_the_steps_of_that_day(
    report, manager, engineering, mailoutbox, digests
):
    riya = placed(report, engineering)
    bo = placed(PersonFactory(name="Bo Teammate", manager=manager), engineering)
    with time_machine.travel(MONDAY, tick=False):
        rated_by_person(riya)
    assert digests(MONDAY + timedelta(hours=1)) == [("max@example.com", "Check-ins: 1 new")]
    # Bo rates an hour later: the same day, so it waits for tomorrow's digest.
    with time_machine.travel(MONDAY + timedelta(hours=2), tick=False):
        rated_by_person(bo)
    assert digests(MONDAY + timedelta(hours=3)) == []
    assert digests(MONDAY + timedelta(hours=22)) == [("max@example.com", "Check-ins: 1 new")]
    assert "Bo Teammate has rated" in mailoutbox[0].body
    assert "Riya Report has rated" not in mailoutbox[0].body


def test_a_week_stalled_step_is_recalled_once_a_week(
    report, manager, engineering, digests, mailoutbox
):
    riya = placed(report, engineering)
    with time_machine.travel(MONDAY, tick=False):
        check_in = check_in_start(person=riya, by=riya)
    assert digests(MONDAY + timedelta(days=6)) == []
    assert digests(MONDAY + timedelta(days=8)) == [
        ("riya@example.com", "Check-ins: 1 waiting a week for you")
    ]
    body = mailoutbox[0].body
    assert (
        "Your check-in of 2 Mar 2026: rate each competency of IC1, waiting since 2 Mar 2026."
        in body
    )
    token = re.search(r"To stop this mail: \S+/reminders/(\S+)/", body).group(1)
    assert person_from_stop_token(token) == riya
    assert check_in.events.filter(action=CheckInEvent.Action.REMINDED).count() == 1
    # Not again the same week, whatever runs.
    with time_machine.travel(MONDAY + timedelta(days=10), tick=False):
        call_command("send_check_in_digests", stdout=None)
    assert digests(MONDAY + timedelta(days=12)) == []
    assert digests(MONDAY + timedelta(days=15, hours=1)) == [
        ("riya@example.com", "Check-ins: 1 waiting a week for you")
    ]


def test_a_manager_gets_one_digest_for_every_check_in_waiting_for_them(
    report, manager, engineering, mailoutbox, digests
):
    with time_machine.travel(MONDAY, tick=False):
        rated_by_person(placed(report, engineering))
        rated_by_person(placed(PersonFactory(name="Bo Teammate", manager=manager), engineering))
    assert digests(MONDAY + timedelta(days=10)) == [
        ("max@example.com", "Check-ins: 2 waiting a week for you")
    ]
    assert "Riya Report has rated; your ratings next" in mailoutbox[0].body
    assert "Bo Teammate has rated; your ratings next" in mailoutbox[0].body


def test_stopped_mail_is_not_sent(client, report, manager, engineering, digests):
    riya = placed(report, engineering)
    with time_machine.travel(MONDAY, tick=False):
        check_in_start(person=riya, by=manager)
    url = reverse("people:reminders", args=[stop_token(riya)])
    # The link works signed out, as mail links are opened.
    assert "Stop check-in mail" in client.get(url).content.decode()
    assert client.post(url, {"reminders": "off"}).status_code == 302
    assert "Turn check-in mail back on" in client.get(url).content.decode()
    assert digests(MONDAY + timedelta(days=1)) == []
    client.post(url, {"reminders": "on"})
    assert digests(MONDAY + timedelta(days=2)) == [("riya@example.com", "Check-ins: 1 new")]


@pytest.mark.parametrize("token", ["not-a-token", stop_token.__name__, "a" * 500])
def test_a_link_that_is_not_ours_is_not_found(client, db, token):
    assert client.get(reverse("people:reminders", args=[token])).status_code == 404


def test_a_reminder_a_week_ago_and_any_later_event_do_not_silence_the_next_one(
    report, manager, engineering, hr, digests
):
    riya = placed(report, engineering)
    with time_machine.travel(MONDAY, tick=False):
        check_in = check_in_start(person=riya, by=riya)
    CheckInEvent.objects.create(
        check_in=check_in,
        action="reminded",
        from_state="person",
        to_state="person",
        at=MONDAY + timedelta(days=10),
    )
    # Something else happened this week (HR redacted a note): not a reminder.
    CheckInEvent.objects.create(
        check_in=check_in,
        actor=hr,
        action="redacted",
        from_state="person",
        to_state="person",
        at=MONDAY + timedelta(days=19),
    )
    assert digests(MONDAY + timedelta(days=20)) == [
        ("riya@example.com", "Check-ins: 1 waiting a week for you")
    ]


def test_a_check_in_due_by_the_ladders_cadence_is_recalled_to_both_sides_weekly(
    client_for, report, manager, engineering, hr, mailoutbox, digests
):
    with time_machine.travel(datetime(2026, 1, 31, 12, tzinfo=UTC), tick=False):
        riya = placed(report, engineering)
        check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    # Three calendar months after 31 January is 30 April.
    assert digests(datetime(2026, 4, 30, 11, tzinfo=UTC)) == []
    assert sorted(digests(datetime(2026, 4, 30, 13, tzinfo=UTC))) == [
        ("max@example.com", "Check-ins: 1 due"),
        ("riya@example.com", "Check-ins: 1 due"),
    ]
    to_max = next(mail.body for mail in mailoutbox if mail.to == ["max@example.com"])
    assert (
        "A check-in with Riya Report: one every quarter, due since 30 Apr 2026 (none agreed yet)"
        in to_max
    )
    assert reverse("people:check_ins", args=[riya.uid]) in to_max
    assert digests(datetime(2026, 5, 5, 13, tzinfo=UTC)) == []
    assert len(digests(datetime(2026, 5, 7, 14, tzinfo=UTC))) == 2
    # Once one is agreed, the next is due three months after it.
    with time_machine.travel(datetime(2026, 5, 8, 9, tzinfo=UTC), tick=False):
        agreed_check_in(riya, manager, ["meets"] * 3)
    assert digests(datetime(2026, 8, 7, 9, tzinfo=UTC)) == []
    assert len(digests(datetime(2026, 8, 8, 10, tzinfo=UTC))) == 2
    # An open check-in is not due.
    with time_machine.travel(datetime(2026, 8, 9, 9, tzinfo=UTC), tick=False):
        check_in_start(person=riya, by=riya)
    assert digests(datetime(2026, 8, 16, 10, tzinfo=UTC)) == [
        ("riya@example.com", "Check-ins: 1 waiting a week for you")
    ]


def test_nobody_who_left_is_mailed(report, manager, engineering, digests):
    riya = placed(report, engineering)
    with time_machine.travel(MONDAY, tick=False):
        check_in_start(person=riya, by=manager)
    Person.objects.filter(pk=riya.pk).update(left_at=MONDAY + timedelta(hours=1))
    assert digests(MONDAY + timedelta(hours=8)) == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_digest_and_one_reminder_per_check_in(
    report, manager, engineering, mailoutbox
):
    people = [placed(report, engineering)]
    for n in range(7):
        people.append(placed(PersonFactory(name=f"Mate {n}", manager=manager), engineering))
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        check_ins = [rated_by_person(person) for person in people]
    for round in range(6):
        # A week and a day apart: each round's check-ins are due again.
        now = timezone.now() + timedelta(days=8 * round)
        mailoutbox.clear()
        send = lambda now=now: check_in_digests_send(now=now)  # noqa: E731
        outcomes = at_once([send, send], refusal=Exception)
        assert sorted(result for _, result in outcomes) == [0, 1], outcomes
        assert sent(mailoutbox) == [("max@example.com", "Check-ins: 8 waiting a week for you")]
        reminded = CheckInEvent.objects.filter(action=CheckInEvent.Action.REMINDED, at=now)
        assert sorted(reminded.values_list("check_in_id", flat=True)) == sorted(
            check_in.pk for check_in in check_ins
        )
