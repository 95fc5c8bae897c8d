"""Check-in mail: at most one digest a day per person, with what moved in their
check-ins since the last one (a check-in started with them, their turn to rate, one
agreed or cancelled), the steps that have waited a week for them, and the check-ins
due by their ladder's cadence; a signed link in it stops it."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from people.models import CheckIn, CheckInEvent, OutgoingEmail, Person
from people.permissions.checkins import whose_turn
from people.selectors.cadence import due, every_words
from people.services.checkins import manager_side, manager_side_of
from people.services.notifications import mails_queue

# A step waiting this long is recalled; and recalled again no sooner than this. A
# check-in due by the cadence is recalled as often.
STALLED_AFTER = timedelta(days=7)
# One digest a day at most: a run a few hours early (a cron drifting) still waits.
DIGEST_EVERY = timedelta(hours=20)
# News older than this is not told: after a month with the mail stopped, turning it
# back on does not bring the whole month.
NEWS_WITHIN = timedelta(days=8)
SALT = "people.reminders.stop"
# Two runs at once (a cron overlapping a manual run) would each take some of the
# stalled check-ins and mail the same person twice: one transaction-scoped advisory
# lock serialises the runs, and the second then finds them recalled.
DIGEST_LOCK = 0xC4EC_1A

Action = CheckInEvent.Action


def stop_token(person: Person) -> str:
    return signing.dumps(str(person.uid), salt=SALT)


def person_from_stop_token(token: str) -> Person | None:
    """The person a stop link names, or None for a link that is not one of ours."""
    try:
        uid = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return Person.objects.filter(uid=uid).first()


@dataclass
class Digest:
    person: Person
    news: dict[int, CheckInEvent] = field(default_factory=dict)  # check-in pk -> latest
    waiting: list[CheckIn] = field(default_factory=list)
    due: list[Person] = field(default_factory=list)

    def subject(self) -> str:
        parts = []
        if self.news:
            parts.append(f"{len(self.news)} new")
        if self.waiting:
            parts.append(f"{len(self.waiting)} waiting a week for you")
        if self.due:
            parts.append(f"{len(self.due)} due")
        return "Check-ins: " + ", ".join(parts)


def _told(event: CheckInEvent, hr: list[Person]) -> list[Person]:
    """Whom a step is news to: the person when a check-in is started with them or
    agreed, the manager's side when the person has rated, both when it is cancelled;
    never the one who did it."""
    check_in = event.check_in
    told: dict[str, list[Person]] = {
        Action.STARTED: [check_in.person],
        Action.PERSON_RATED: manager_side(check_in, hr=hr),
        Action.AGREED: [check_in.person],
        Action.CANCELLED: [check_in.person, *manager_side(check_in, hr=hr)],
    }
    return [someone for someone in told[event.action] if someone.pk != event.actor_id]


def _news(digests, hr, now) -> None:
    events = list(
        CheckInEvent.objects.filter(
            at__gt=now - NEWS_WITHIN,
            action__in=[Action.STARTED, Action.PERSON_RATED, Action.AGREED, Action.CANCELLED],
        )
        .select_related("actor", "check_in__person", "check_in__manager", "check_in__level")
        .order_by("at", "pk")
    )
    # Who acted last in each check-in: news they have acted on since is no news.
    acted: dict[tuple[int, int], datetime] = {
        (row["check_in_id"], row["actor_id"]): row["last"]
        for row in CheckInEvent.objects.filter(at__gt=now - NEWS_WITHIN, actor__isnull=False)
        .values("check_in_id", "actor_id")
        .annotate(last=Max("at"))
    }
    for event in events:
        for someone in _told(event, hr):
            since = someone.last_digest_at
            if since is not None and event.at <= since:
                continue
            if acted.get((event.check_in_id, someone.pk), event.at) > event.at:
                continue
            digest = digests.setdefault(someone.pk, Digest(someone))
            digest.news[event.check_in_id] = event


def _stalled(now):
    """Open check-ins whose step began ``STALLED_AFTER`` ago or more and that were not
    recalled since."""
    # One Exists for both conditions: exclude() over a multi-valued relation would
    # match them on different events (an old reminder and any event of this week).
    recalled = CheckInEvent.objects.filter(
        check_in=OuterRef("pk"), action=Action.REMINDED, at__gt=now - STALLED_AFTER
    )
    return (
        CheckIn.objects.filter(state__in=CheckIn.OPEN_STATES, step_since__lte=now - STALLED_AFTER)
        .filter(~Exists(recalled))
        .select_related("person", "manager", "level")
        .order_by("step_since", "pk")
    )


def _whose_turn(check_in: CheckIn, hr) -> list[Person]:
    """The people the next step falls to (``whose_turn`` says which side)."""
    if whose_turn(check_in) == "person":
        return [check_in.person]
    return manager_side(check_in, hr=hr)


def _due(now):
    recalled_lately = Q(due_recalled_at__gt=now - STALLED_AFTER)
    return (
        due(Person.objects.exclude(recalled_lately), now=now)
        .select_related("manager", "level")
        .order_by("due_at", "pk")
    )


def _digests(now) -> dict[int, Digest]:
    hr = list(Person.objects.still_here().filter(is_hr=True))
    digests: dict[int, Digest] = {}
    _news(digests, hr, now)
    for check_in in _stalled(now).select_for_update(of=("self",), skip_locked=True):
        for someone in _whose_turn(check_in, hr):
            digest = digests.setdefault(someone.pk, Digest(someone))
            if check_in.pk not in digest.news:
                digest.waiting.append(check_in)
    for person in _due(now):
        person.cadence = every_words(person.check_in_every)
        for someone in [person, *manager_side_of(person, hr=hr)]:
            digests.setdefault(someone.pk, Digest(someone)).due.append(person)
    return digests


def check_in_digests_send(*, now=None) -> int:
    """Mail each person with something in their digest one mail, unless they stopped
    it, left, or had one within a day; record a "reminded" event on each stalled
    check-in recalled, and when each due check-in was. Returns how many were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [DIGEST_LOCK])
        recalled: set[int] = set()
        recalled_due: set[int] = set()
        # A due check-in not told to one of its two sides today (they had a digest
        # within the day) is not marked recalled: tomorrow's run tells them.
        put_off: set[int] = set()
        mails, mailed = [], []
        for pk, digest in _digests(now).items():
            someone = digest.person
            if someone.last_digest_at and someone.last_digest_at > now - DIGEST_EVERY:
                put_off.update(person.pk for person in digest.due)
                continue
            if someone.reminders_off or someone.has_left:
                continue
            context = {
                "digest": digest,
                "news": sorted(digest.news.values(), key=lambda event: event.at),
                "site": settings.SITE_URL,
                "stop": settings.SITE_URL + reverse("people:reminders", args=[stop_token(someone)]),
            }
            body = render_to_string("emails/check_in_digest.txt", context).rstrip()
            mails.append(OutgoingEmail(to=someone.email, subject=digest.subject(), body=body))
            mailed.append(pk)
            recalled.update(check_in.pk for check_in in digest.waiting)
            recalled_due.update(person.pk for person in digest.due)
        mails_queue(mails)
        Person.objects.filter(pk__in=mailed).update(last_digest_at=now)
        Person.objects.filter(pk__in=recalled_due - put_off).update(due_recalled_at=now)
        CheckInEvent.objects.bulk_create(
            CheckInEvent(
                check_in_id=pk, action=Action.REMINDED, from_state=state, to_state=state, at=now
            )
            for pk, state in CheckIn.objects.filter(pk__in=recalled).values_list("pk", "state")
        )
    return len(mails)


def reminders_set(*, person: Person, on: bool) -> None:
    Person.objects.filter(pk=person.pk).update(reminders_off=not on)
