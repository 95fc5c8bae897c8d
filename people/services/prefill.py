"""From growth to promotion: a new proposal's evidence starts from the person's
record (their evidence log and their last agreed check-in) instead of a blank page."""

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from ladders.models import Expectation
from people.models import CheckIn, CheckInRating, Evidence, LogEntry, Proposal
from people.services.evidence_log import log_entries_freeze

# The log entries a proposal starts from: those of the last two years, at most this
# many per competency, newest first.
PREFILL_DAYS = 730
PREFILL_ENTRIES = 8


def _day(value) -> str:
    return date_format(value, "j M Y")


def evidence_prefill(*, proposal: Proposal) -> int:
    """Write each competency's first evidence from the log entries tagged with it and
    the last agreed check-in's rating and notes; the author edits it from there. The
    entries used are kept as they were from then on. Runs in the caller's transaction;
    returns how many competencies it started."""
    person = proposal.person
    wanted = dict(
        Expectation.objects.filter(level=proposal.target_level)
        .order_by("competency__position")
        .values_list("competency__key", "competency__name")
    )
    since = timezone.localdate() - timedelta(days=PREFILL_DAYS)
    entries = list(
        LogEntry.objects.filter(
            person=person,
            redacted_at__isnull=True,
            happened_on__gte=since,
            competencies__overlap=list(wanted),
        )
        .select_related("author")
        .order_by("-happened_on", "-pk")
    )
    last = (
        CheckIn.objects.filter(person=person, state=CheckIn.State.CLOSED)
        .select_related("manager")
        .order_by("-ended_at", "-pk")
        .first()
    )
    agreed = {}
    if last is not None:
        agreed = {
            rating.competency.key: rating
            for rating in CheckInRating.objects.filter(check_in=last).select_related("competency")
        }
    texts, used = {}, set()
    for key in wanted:
        parts = []
        mine = [entry for entry in entries if key in entry.competencies][:PREFILL_ENTRIES]
        if mine:
            lines = []
            for entry in mine:
                by = "" if entry.author_id == person.pk else f" (noted by {entry.author.name})"
                lines.append(f"- {_day(entry.happened_on)}{by}: {' '.join(entry.text.split())}")
                used.add(entry.pk)
            parts.append("From the evidence log:\n" + "\n".join(lines))
        if last is not None and key in agreed:
            rating = agreed[key]
            label = rating.get_agreed_rating_display()
            said = [f"Agreed at the check-in of {_day(last.ended_at)}: {label}."]
            if rating.person_note:
                said.append(f"{person.name}: {' '.join(rating.person_note.split())}")
            if rating.manager_note:
                manager = last.manager.name if last.manager else "HR"
                said.append(f"{manager}: {' '.join(rating.manager_note.split())}")
            parts.append("\n".join(said))
        if parts:
            texts[key] = "\n\n".join(parts)
    Evidence.objects.bulk_create(
        Evidence(proposal=proposal, competency_key=key, text=text) for key, text in texts.items()
    )
    log_entries_freeze(entries=[entry for entry in entries if entry.pk in used])
    return len(texts)
