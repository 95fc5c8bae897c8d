"""The demo's evidence logs: a few entries per person over the last months, some of
them notes by their manager, so that each log is alive on first sign-in.

Written in one bulk insert, dated as if noted on the day: the entries are fixed and
valid (the database's constraints still check each), and going through the service
one by one doubled the time seed_demo takes."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from people.models import LogEntry, Person
from people.selectors.growth import log_competencies

# What people note about their own work; {topic} is a competency's name, in lower case.
OWN = [
    "Paired with two newer teammates on the **payments retry** bug; we found it in the "
    "queue's back-off and wrote down how, in [the incident notes](https://example.com/notes).",
    "Wrote the design note for splitting the notifications service and walked the team "
    "through it. Decided with them to keep one database for now; trade-offs in the note.",
    "Ran the quarterly review of our {topic} practices and turned what we learnt into "
    "three tickets, two of them done already.",
    "Shipped the export feature a week early by cutting the scope to what customers "
    "asked for first:\n\n- CSV now\n- spreadsheets next month",
    "Led the retrospective after the outage on the 3rd. Three follow-ups, each with an "
    "owner; the alert that would have caught it is live.",
    "Gave a short talk at the guild on what {topic} means in our team, with examples "
    "from the last two projects.",
]
# What a manager notes about someone who reports to them.
BY_MANAGER = [
    "Heard from the support team that {name} made the handover of the billing fixes easy: "
    "clear notes, and they stayed on call for it.",
    "{name} pushed back on the launch date with data, and was right: we shipped a week "
    "later without the incident we would have had.",
    "In the planning session {name} framed the problem for the whole group; a good "
    "example of {topic} at the next level.",
]
# Days ago, for a person's own entries, then for their manager's note.
OWN_DAYS = (9, 37, 82, 140)
MANAGER_DAYS = 55


def seed_log(*, today) -> int:
    """Write the demo's logs once; a second run finds them and changes nothing. Returns
    how many entries were written."""
    if LogEntry.objects.exists():
        return 0
    people = (
        Person.objects.still_here()
        .filter(level__isnull=False)
        .select_related("manager")
        .order_by("pk")
    )
    by_level: dict[int, list] = {}
    entries = []
    for n, person in enumerate(people):
        if person.level_id not in by_level:
            by_level[person.level_id] = log_competencies(person)
        competencies = by_level[person.level_id]
        if not competencies:
            continue
        notes = []
        for i, days_ago in enumerate(OWN_DAYS[: 2 + n % 3]):
            picked = competencies[(n + i) % len(competencies)]
            text = OWN[(n + i) % len(OWN)].format(topic=picked.name.lower())
            notes.append((person, days_ago, text, [picked]))
        if person.manager is not None:
            picked = competencies[(n + 3) % len(competencies)]
            text = BY_MANAGER[n % len(BY_MANAGER)].format(
                name=person.name.split()[0], topic=picked.name.lower()
            )
            notes.append((person.manager, MANAGER_DAYS, text, [competencies[0], picked]))
        for author, days_ago, text, tagged in notes:
            day = today - timedelta(days=days_ago + n % 5)
            noted = timezone.make_aware(datetime.combine(day, time(16)))
            keys = [c.key for c in competencies if c in tagged]
            entries.append(
                LogEntry(
                    person=person,
                    author=author,
                    happened_on=day,
                    text=text,
                    competencies=keys,
                    created_at=noted,
                    updated_at=noted,
                )
            )
    return len(LogEntry.objects.bulk_create(entries))
