"""Mail about proposals goes through the outbox: written with the change, sent once
the change commits, kept for a retry when the mail server refuses."""

import logging
from datetime import date
from io import StringIO

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction

from ladders.models import Level
from people.models import OutgoingEmail
from people.services.workflow import (
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_return,
    proposal_submit,
)
from tests.builders import ladder_data, publish

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


@pytest.fixture
def on_ic1(report, engineering):
    report.level = Level.objects.get(version=engineering, code="IC1")
    report.save()
    return report


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a step as if its transaction committed: its on-commit sending runs."""

    def run(step):
        with django_capture_on_commit_callbacks(execute=True):
            result = step()
        return result

    return run


@pytest.fixture
def draft(on_ic1, engineering, director):
    """A proposal for Riya (reports to Max), written by Dana, Max's manager, so that
    person, author and direct manager are three different people."""
    proposal = proposal_create(
        person=on_ic1,
        author=director,
        kind="promotion",
        target=Level.objects.get(version=engineering, code="IC2"),
    )
    for key in ("comp-1", "comp-2", "comp-3"):
        evidence_save(proposal=proposal, key=key, text=f"Did {key}.")
    return proposal


@pytest.fixture
def submitted(draft, director, committed, mailoutbox):
    proposal = committed(
        lambda: proposal_submit(proposal=draft, actor=director, revision=draft.revision)
    )
    mailoutbox.clear()
    return proposal


@pytest.fixture
def in_calibration(submitted, manager, hr, engineering, committed, mailoutbox):
    proposal = committed(
        lambda: proposal_endorse(
            proposal=submitted, actor=manager, revision=submitted.revision, note="Ready."
        )
    )
    cycle_open(
        ladder=engineering.ladder,
        name="H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[hr],
        by=hr,
    )
    proposal.refresh_from_db()
    assert proposal.state == "in_calibration"
    mailoutbox.clear()
    return proposal


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def approve(proposal, hr):
    return proposal_decide(proposal=proposal, actor=hr, revision=proposal.revision, approve=True)


def test_submitting_mails_the_direct_manager_after_the_commit(
    on_ic1, engineering, django_capture_on_commit_callbacks, mailoutbox
):
    proposal = proposal_create(
        person=on_ic1,
        author=on_ic1,
        kind="promotion",
        target=Level.objects.get(version=engineering, code="IC2"),
    )
    for key in ("comp-1", "comp-2", "comp-3"):
        evidence_save(proposal=proposal, key=key, text="Done.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal_submit(proposal=proposal, actor=on_ic1, revision=proposal.revision)
        # Written with the change, not sent before it commits.
        assert mailoutbox == []
        assert OutgoingEmail.objects.get().sent_at is None
    assert len(callbacks) == 1
    assert recipients(mailoutbox) == ["max@example.com"]
    assert mailoutbox[0].subject == "Riya Report asks for your review"
    mail = OutgoingEmail.objects.get()
    assert (mail.to, mail.attempts, mail.last_error) == ("max@example.com", 1, "")
    assert mail.sent_at is not None


def test_a_nomination_by_the_manager_mails_the_person(on_ic1, engineering, manager, committed):
    proposal = proposal_create(
        person=on_ic1,
        author=manager,
        kind="promotion",
        target=Level.objects.get(version=engineering, code="IC2"),
    )
    for key in ("comp-1", "comp-2", "comp-3"):
        evidence_save(proposal=proposal, key=key, text="Done.")
    committed(lambda: proposal_submit(proposal=proposal, actor=manager, revision=1))
    assert [(m.to, m.subject) for m in OutgoingEmail.objects.filter(sent_at__isnull=False)] == [
        ("riya@example.com", "Max Manager nominated you for IC2")
    ]


def test_returning_mails_the_author(submitted, manager, committed, mailoutbox):
    committed(
        lambda: proposal_return(
            proposal=submitted,
            actor=manager,
            revision=submitted.revision,
            note="Add the migration work.",
            comments={"comp-2": "Which design?"},
        )
    )
    assert recipients(mailoutbox) == ["dana@example.com"]
    assert mailoutbox[0].subject == "Max Manager returned the proposal for IC2"
    assert "Add the migration work." in mailoutbox[0].body


def test_endorsing_mails_the_person_and_the_author(submitted, manager, committed, mailoutbox):
    committed(
        lambda: proposal_endorse(
            proposal=submitted, actor=manager, revision=submitted.revision, note="Strong case."
        )
    )
    assert recipients(mailoutbox) == ["dana@example.com", "riya@example.com"]
    assert {m.subject for m in mailoutbox} == {"Max Manager endorsed the proposal for IC2"}
    assert all("Strong case." in m.body for m in mailoutbox)


def test_a_decision_mails_the_person_the_author_and_the_manager(
    in_calibration, hr, committed, mailoutbox
):
    committed(lambda: approve(in_calibration, hr))
    assert recipients(mailoutbox) == ["dana@example.com", "max@example.com", "riya@example.com"]
    assert {m.subject for m in mailoutbox} == {"Proposal for IC2: approved"}
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()


def test_each_person_gets_one_mail_when_they_have_several_roles(
    on_ic1, engineering, manager, hr, committed, mailoutbox
):
    """Riya wrote her own request: person and author are one address."""
    proposal = proposal_create(
        person=on_ic1,
        author=on_ic1,
        kind="promotion",
        target=Level.objects.get(version=engineering, code="IC2"),
    )
    for key in ("comp-1", "comp-2", "comp-3"):
        evidence_save(proposal=proposal, key=key, text="Done.")
    cycle_open(
        ladder=engineering.ladder,
        name="H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[hr],
        by=hr,
    )
    proposal = proposal_submit(proposal=proposal, actor=on_ic1, revision=1)
    proposal = proposal_endorse(proposal=proposal, actor=manager, revision=2, note="Yes.")
    committed(
        lambda: proposal_decide(
            proposal=proposal,
            actor=hr,
            revision=proposal.revision,
            approve=False,
            reasons={"comp-1": "Not yet."},
        )
    )
    assert recipients(mailoutbox) == ["max@example.com", "riya@example.com"]
    assert mailoutbox[0].subject == "Proposal for IC2: not approved"


def test_no_mail_when_the_transaction_rolls_back(
    draft, director, django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        proposal_submit(proposal=draft, actor=director, revision=draft.revision)
        raise RuntimeError("something after the submit failed")
    assert callbacks == []
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()
    draft.refresh_from_db()
    assert (draft.state, draft.revision) == ("draft", 1)


def test_a_refusing_mail_server_neither_loses_nor_blocks_the_decision(
    in_calibration, hr, committed, mailoutbox, settings, caplog
):
    settings.EMAIL_BACKEND = f"{__name__}.{RefusingBackend.__name__}"
    with caplog.at_level(logging.WARNING, logger="people.services.notifications"):
        decided = committed(lambda: approve(in_calibration, hr))

    decided.refresh_from_db()
    assert (decided.state, decided.decided_by) == ("approved", hr)
    assert decided.events.filter(action="approved").count() == 1
    assert mailoutbox == []
    decision_mail = OutgoingEmail.objects.filter(subject="Proposal for IC2: approved")
    unsent = decision_mail.order_by("to")
    assert [(m.to, m.sent_at, m.attempts) for m in unsent] == [
        ("dana@example.com", None, 1),
        ("max@example.com", None, 1),
        ("riya@example.com", None, 1),
    ]
    assert all("ConnectionRefusedError" in m.last_error for m in unsent)
    warnings = [r for r in caplog.records if r.name == "people.services.notifications"]
    assert [r.levelno for r in warnings] == [logging.WARNING] * 3
    assert "Could not send mail" in warnings[0].getMessage()
    assert "Connection refused" in warnings[0].getMessage()

    # Still down: the next run tries again and keeps them.
    out = StringIO()
    call_command("send_pending_mail", stdout=out)
    assert out.getvalue().strip() == "0 sent, 3 failed (kept for the next run)."
    assert set(decision_mail.values_list("attempts", flat=True)) == {2}

    # Back up: the retry sends each mail once.
    settings.EMAIL_BACKEND = LOCMEM
    out = StringIO()
    call_command("send_pending_mail", stdout=out)
    assert out.getvalue().strip() == "3 sent, 0 failed (kept for the next run)."
    assert recipients(mailoutbox) == ["dana@example.com", "max@example.com", "riya@example.com"]
    assert list(decision_mail.values_list("attempts", flat=True)) == [3, 3, 3]
    assert not OutgoingEmail.objects.filter(sent_at__isnull=True).exists()
    call_command("send_pending_mail", stdout=StringIO())
    assert len(mailoutbox) == 3


def test_mail_that_keeps_failing_is_given_up_after_ten_attempts(db, mailoutbox):
    OutgoingEmail.objects.create(to="a@example.com", subject="Old", body="x", attempts=10)
    OutgoingEmail.objects.create(to="b@example.com", subject="New", body="y", attempts=9)
    call_command("send_pending_mail", stdout=StringIO())
    assert recipients(mailoutbox) == ["b@example.com"]


def test_the_mail_links_to_the_proposal_page_on_the_site(
    draft, director, committed, mailoutbox, settings
):
    settings.SITE_URL = "https://ladders.example.org"
    proposal = committed(
        lambda: proposal_submit(proposal=draft, actor=director, revision=draft.revision)
    )
    link = f"https://ladders.example.org{proposal.get_absolute_url()}"
    assert str(proposal.uid) in link
    [message] = mailoutbox
    assert message.body.endswith(f"\n\n{link}")
    assert OutgoingEmail.objects.get().body.endswith(link)


@pytest.mark.django_db(transaction=True)
def test_mail_goes_out_when_the_change_really_commits(draft, director, mailoutbox):
    proposal_submit(proposal=draft, actor=director, revision=draft.revision)
    assert recipients(mailoutbox) == ["max@example.com"]
    assert OutgoingEmail.objects.get().sent_at is not None


def test_a_change_sends_its_own_mail_and_leaves_the_backlog_to_the_retry(
    in_calibration, hr, committed, mailoutbox, settings
):
    """While the server is down, a busy day of changes must not spend the attempts of
    mail that is already waiting (it would be given up before the retry job runs), nor
    make each person wait for the whole backlog to time out after their change."""
    backlog = OutgoingEmail.objects.create(
        to="old@example.com", subject="Old", body="x", attempts=3
    )
    settings.EMAIL_BACKEND = f"{__name__}.{RefusingBackend.__name__}"
    committed(lambda: approve(in_calibration, hr))
    backlog.refresh_from_db()
    assert (backlog.attempts, backlog.sent_at) == (3, None)

    settings.EMAIL_BACKEND = LOCMEM
    call_command("send_pending_mail", stdout=StringIO())
    assert "old@example.com" in recipients(mailoutbox)
