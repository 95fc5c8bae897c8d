"""Check-in reminders: a step that stalls is recalled to the side whose turn it is, in
at most one digest a day per person, which they can stop from the link in it."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from people.models import CheckIn, CheckInEvent, Person
from people.services.checkins import manager_side
from people.services.notifications import mail_queue

# A step waiting this long is recalled; and recalled again no sooner than this.
STALLED_AFTER = timedelta(days=7)
# One digest a day at most: a run a few hours early (a cron drifting) still waits.
DIGEST_EVERY = timedelta(hours=20)
SALT = "people.reminders.stop"
# Two runs at once (a cron overlapping a manual run) would each take some of the
# stalled check-ins and mail the same person twice: one transaction-scoped advisory
# lock serialises the runs, and the second then finds them recalled.
REMINDERS_LOCK = 0xC4EC_1A


def stop_token(person: Person) -> str:
    return signing.dumps(str(person.uid), salt=SALT)


def person_from_stop_token(token: str) -> Person | None:
    """The person a stop link names, or None for a link that is not one of ours."""
    try:
        uid = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Person.objects.filter(uid=uid).first()


def _stalled(now):
    """Open check-ins whose step began ``STALLED_AFTER`` ago or more and that were not
    recalled since."""
    # One Exists for both conditions: exclude() over a multi-valued relation would
    # match them on different events (an old reminder and any event of this week).
    recalled = CheckInEvent.objects.filter(
        check_in=OuterRef("pk"),
        action=CheckInEvent.Action.REMINDED,
        at__gt=now - STALLED_AFTER,
    )
    return (
        CheckIn.objects.filter(state__in=CheckIn.OPEN_STATES, step_since__lte=now - STALLED_AFTER)
        .filter(~Exists(recalled))
        .select_related("person", "manager", "level")
        .order_by("step_since", "pk")
    )


def _whose_turn(check_in: CheckIn) -> list[Person]:
    if check_in.state == CheckIn.State.PERSON:
        return [check_in.person]
    return manager_side(check_in)


def check_in_reminders_send(*, now=None) -> int:
    """Mail each person whose turn a stalled check-in waits for one digest listing
    them, unless they stopped reminders, left, or had a digest within a day; record a
    "reminded" event on each check-in recalled. Returns how many digests were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REMINDERS_LOCK])
        waiting: dict[int, list[CheckIn]] = defaultdict(list)
        people: dict[int, Person] = {}
        for check_in in _stalled(now).select_for_update(of=("self",), skip_locked=True):
            for someone in _whose_turn(check_in):
                people[someone.pk] = someone
                waiting[someone.pk].append(check_in)
        recalled: set[int] = set()
        sent = 0
        for pk, check_ins in waiting.items():
            someone = people[pk]
            recent = someone.last_reminded_at and someone.last_reminded_at > now - DIGEST_EVERY
            if someone.reminders_off or someone.has_left or recent:
                continue
            context = {
                "person": someone,
                "check_ins": check_ins,
                "site": settings.SITE_URL,
                "stop": settings.SITE_URL + reverse("people:reminders", args=[stop_token(someone)]),
            }
            body = render_to_string("emails/check_in_reminders.txt", context).rstrip()
            subject = (
                f"{len(check_ins)} check-in{'s' if len(check_ins) > 1 else ''} waiting for you"
            )
            mail_queue(addresses=[someone.email], subject=subject, body=body)
            Person.objects.filter(pk=pk).update(last_reminded_at=now)
            recalled.update(check_in.pk for check_in in check_ins)
            sent += 1
        CheckInEvent.objects.bulk_create(
            CheckInEvent(
                check_in_id=pk,
                action=CheckInEvent.Action.REMINDED,
                from_state=state,
                to_state=state,
                at=now,
            )
            for pk, state in CheckIn.objects.filter(pk__in=recalled).values_list("pk", "state")
        )
    return sent


def reminders_set(*, person: Person, on: bool) -> None:
    Person.objects.filter(pk=person.pk).update(reminders_off=not on)
