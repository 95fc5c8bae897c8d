"""Email, through an outbox: rows are written inside the change's
transaction and sent once it commits. A refusing mail server is logged and the
rows stay for ``manage.py send_pending_mail`` to retry; the change itself stands."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from people.models import OutgoingEmail

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def notify(people, *, template: str, context: dict, proposal=None) -> None:
    """Queue one mail per person (each once) and send them after the commit. The
    subject and body are ``templates/emails/<template>_subject.txt`` and ``<template>.txt``,
    rendered with ``context`` and the ``proposal``; the mail ends with a link to the
    proposal."""
    context = {"proposal": proposal, **context}
    # A subject is one header line, whatever the names in it hold.
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    body = render_to_string(f"emails/{template}.txt", context).rstrip()
    link = ""
    if proposal is not None:
        link = f"\n\n{settings.SITE_URL}{proposal.get_absolute_url()}"
    # Nobody who left is mailed: they no longer work here.
    addresses = sorted(
        {person.email for person in people if person is not None and not person.has_left}
    )
    mail_queue(addresses=addresses, subject=subject, body=body + link)


def mail_queue(*, addresses, subject: str, body: str) -> None:
    """Write one mail per address to the outbox and send them once the current
    transaction commits (at once outside one)."""
    mails_queue(OutgoingEmail(to=address, subject=subject, body=body) for address in addresses)


def mails_queue(mails) -> None:
    """Write ``mails`` (unsaved OutgoingEmail) to the outbox in one statement and send
    them once the current transaction commits (at once outside one)."""
    mails = OutgoingEmail.objects.bulk_create(mails)
    if mails:
        # Only this change's mail: older mail waits for send_pending_mail, so a mail
        # server that is down neither spends its attempts nor holds up this request.
        ids = [mail.pk for mail in mails]
        transaction.on_commit(lambda: send_pending(ids=ids))


def send_pending(limit: int = 200, ids: list[int] | None = None) -> tuple[int, int]:
    """Send unsent mail (only ``ids``, if given); returns (sent, failed). Rows another
    process is sending are skipped, so two senders never send the same mail twice."""
    sent = failed = 0
    unsent = OutgoingEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
    if ids is not None:
        unsent = unsent.filter(pk__in=ids)
    with transaction.atomic():
        batch = list(unsent.select_for_update(skip_locked=True).order_by("created_at")[:limit])
        for mail in batch:
            try:
                send_mail(mail.subject, mail.body, None, [mail.to])
            except Exception as error:
                mail.attempts += 1
                mail.last_error = f"{type(error).__name__}: {error}"[:2000]
                logger.warning("Could not send mail %s to %s: %s", mail.pk, mail.to, error)
                failed += 1
            else:
                mail.attempts += 1
                mail.sent_at = timezone.now()
                sent += 1
        # One statement for the batch (the transaction holds them together anyway): a
        # daily digest run sends thousands.
        OutgoingEmail.objects.bulk_update(batch, ["attempts", "last_error", "sent_at"])
    return sent, failed
