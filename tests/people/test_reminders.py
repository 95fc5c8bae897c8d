"""Check-in reminders: a step stalled for a week is recalled to whoever's turn it is,
in one digest a day at most, which the link in it stops (signed in or not)."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from people.models import CheckIn, CheckInEvent
from people.services.checkins import check_in_rate, check_in_start
from people.services.levels import person_set_level
from people.services.reminders import check_in_reminders_send, stop_token
from tests.builders import at_once, ladder_data, level, publish
from tests.factories import PersonFactory


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


def placed(person, engineering):
    person_set_level(person=person, level=level(engineering, "IC1"), by=None, source="hr")
    return person


def stalled(check_in, days):
    CheckIn.objects.filter(pk=check_in.pk).update(step_since=timezone.now() - timedelta(days=days))


def sent(mailoutbox):
    return [(mail.to[0], mail.subject) for mail in mailoutbox]


def test_a_week_stalled_step_is_recalled_once_in_a_daily_digest(
    report, manager, engineering, mailoutbox, django_capture_on_commit_callbacks
):
    riya = placed(report, engineering)
    check_in = check_in_start(person=riya, by=riya)
    stalled(check_in, 6)
    with django_capture_on_commit_callbacks(execute=True):
        assert check_in_reminders_send() == 0
    stalled(check_in, 8)
    with django_capture_on_commit_callbacks(execute=True):
        assert check_in_reminders_send() == 1
    assert sent(mailoutbox) == [("riya@example.com", "1 check-in waiting for you")]
    body = mailoutbox[0].body
    assert "rate each competency of IC1" in body
    assert check_in.get_absolute_url() in body
    stop = re.search(r"To stop them: \S+(/reminders/\S+/)", body).group(1)
    assert stop == reverse("people:reminders", args=[stop_token(riya)])
    assert check_in.events.filter(action=CheckInEvent.Action.REMINDED).count() == 1
    # Not again the same week (nor the same day).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_check_in_reminders", stdout=None)
    assert len(mailoutbox) == 1


def test_a_manager_gets_one_digest_for_every_check_in_waiting_for_them(
    report, manager, engineering, mailoutbox, django_capture_on_commit_callbacks
):
    people = [placed(report, engineering)]
    people.append(placed(PersonFactory(name="Bo Teammate", manager=manager), engineering))
    for person in people:
        check_in = check_in_start(person=person, by=person)
        check_in_rate(
            check_in=check_in,
            by=person,
            revision=check_in.revision,
            ratings={r.competency_id: ("meets", "") for r in check_in.ratings.all()},
        )
        stalled(check_in, 10)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert check_in_reminders_send() == 1
    assert sent(mailoutbox) == [("max@example.com", "2 check-ins waiting for you")]
    assert "Riya Report has rated; your ratings next" in mailoutbox[0].body
    assert "Bo Teammate has rated; your ratings next" in mailoutbox[0].body


def test_stopped_reminders_are_not_sent(
    client, report, engineering, mailoutbox, django_capture_on_commit_callbacks
):
    riya = placed(report, engineering)
    stalled(check_in_start(person=riya, by=riya), 8)
    url = reverse("people:reminders", args=[stop_token(riya)])
    # The link works signed out, as mail links are opened.
    assert "Stop check-in reminders" in client.get(url).content.decode()
    assert client.post(url, {"reminders": "off"}).status_code == 302
    assert "Turn reminders back on" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert check_in_reminders_send() == 0
    assert mailoutbox == []
    client.post(url, {"reminders": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        assert check_in_reminders_send() == 1


@pytest.mark.parametrize("token", ["not-a-token", stop_token.__name__, "a" * 500])
def test_a_link_that_is_not_ours_is_not_found(client, db, token):
    assert client.get(reverse("people:reminders", args=[token])).status_code == 404


def test_a_reminder_a_week_ago_and_any_later_event_do_not_silence_the_next_one(
    report, manager, engineering, hr, mailoutbox, django_capture_on_commit_callbacks
):
    riya = placed(report, engineering)
    check_in = check_in_start(person=riya, by=riya)
    stalled(check_in, 20)
    long_ago = timezone.now() - timedelta(days=10)
    CheckInEvent.objects.create(
        check_in=check_in, action="reminded", from_state="person", to_state="person", at=long_ago
    )
    # Something else happened this week (HR redacted a note): not a reminder.
    CheckInEvent.objects.create(
        check_in=check_in, actor=hr, action="redacted", from_state="person", to_state="person"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert check_in_reminders_send() == 1
    assert sent(mailoutbox) == [("riya@example.com", "1 check-in waiting for you")]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_digest_and_one_reminder_per_check_in(
    report, manager, engineering, mailoutbox
):
    people = [placed(report, engineering)]
    for n in range(7):
        people.append(placed(PersonFactory(name=f"Mate {n}", manager=manager), engineering))
    check_ins = []
    for person in people:
        check_in = check_in_start(person=person, by=person)
        check_in_rate(
            check_in=check_in,
            by=person,
            revision=check_in.revision,
            ratings={r.competency_id: ("meets", "") for r in check_in.ratings.all()},
        )
        check_ins.append(check_in)
    for check_in in check_ins:
        stalled(check_in, 10)
    for round in range(6):
        # A week and a day apart: each round's check-ins are due again.
        now = timezone.now() + timedelta(days=8 * round)
        mailoutbox.clear()
        send = lambda now=now: check_in_reminders_send(now=now)  # noqa: E731
        outcomes = at_once([send, send], refusal=Exception)
        assert sorted(result for _, result in outcomes) == [0, 1], outcomes
        assert sent(mailoutbox) == [("max@example.com", "8 check-ins waiting for you")]
        reminded = CheckInEvent.objects.filter(action=CheckInEvent.Action.REMINDED, at=now)
        assert sorted(reminded.values_list("check_in_id", flat=True)) == sorted(
            check_in.pk for check_in in check_ins
        )
