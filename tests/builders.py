"""Builders shared by the tests: ladders, levels, people and proposals made through
the same services as real use, and the one organisation the role matrices share.

The world (``build_world``): roles are relative to one promotion. Riya (``report``)
asks for IC2 herself, so she is its subject and author; Max (``manager``) is her
direct manager; Dana (``director``) her skip-level manager; Cara (``calibrator``)
calibrates the open cycle; Oscar (``other_calibrator``) calibrated last year's cycle
of the same ladder; Hana is HR; Olga (``outsider``) works on another branch."""

import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from ladders.ladder_format import CompetencyData, LadderData, LevelData, TrackData
from ladders.models import Competency, Expectation, Ladder, LadderVersion, Level, Track
from ladders.services.versions import ladder_import, version_publish
from people.models import (
    CalibrationCycle,
    CheckIn,
    CheckInCadence,
    CheckInRating,
    Comment,
    Evidence,
    LevelChange,
    LogEntry,
    Person,
    Proposal,
)
from people.services.checkins import check_in_agree, check_in_rate, check_in_start
from people.services.evidence_log import log_entry_add
from people.services.levels import person_set_level
from people.services.workflow import (
    cycle_close,
    cycle_open,
    evidence_save,
    proposal_create,
    proposal_decide,
    proposal_endorse,
    proposal_submit,
    proposal_withdraw,
)
from tests.factories import PersonFactory

COMPETENCIES = ("comp-1", "comp-2", "comp-3")
EFFECTIVE = date(2026, 3, 1)  # the insight scenarios' cycle takes effect on this day
HIRED = date(2025, 1, 1)  # when most of their people got their level: 424 days before
SUBMITTED_ON = date(2025, 11, 3)  # when the insight scenarios submit

# Any signed-in request: the session, and the user with their person (one query,
# people/auth.py). The session is saved once a minute at most (config/sessions.py).
SIGNED_IN = 2
# Published levels a page shows beside many rows are read by the first page that shows
# them, in one query, then kept by the process (ladders/published.py).
LEVELS_READ = 1


# Ladders ------------------------------------------------------------------------------


def ladder_data(*, slug="engineering", tracks=2, levels=3, competencies=3, name="Engineering"):
    """A ladder with an IC track from grade 1 and management tracks starting at grade 2,
    every level stating an expectation for every competency.

    Codes: IC1, IC2... on the first track; M1, M2... on the second; T3L1... beyond."""
    comps = [
        CompetencyData(key=f"comp-{i}", name=f"Competency {i}", group=f"Group {i % 2}")
        for i in range(1, competencies + 1)
    ]
    track_list = []
    for t in range(tracks):
        kind = "ic" if t == 0 else "management"
        prefix = "IC" if t == 0 else "M" if t == 1 else f"T{t + 1}L"
        first_grade = 1 if t == 0 else 2
        track_list.append(
            TrackData(
                key=f"track-{t}" if t > 1 else kind,
                name="Individual contributor" if t == 0 else f"Management {t}",
                kind=kind,
                levels=[
                    LevelData(
                        code=f"{prefix}{n}",
                        title=f"{prefix} title {n}",
                        grade=first_grade + n - 1,
                        summary=f"Summary of {prefix}{n}.",
                        expectations={
                            c.key: f"At {prefix}{n}, {c.name.lower()} means scope {n}."
                            for c in comps
                        },
                    )
                    for n in range(1, levels + 1)
                ],
            )
        )
    return LadderData(
        slug=slug, name=name, description="How we grow.", competencies=comps, tracks=track_list
    )


def large_ladder_data():
    """About 1 MB as YAML and 8 MB as CSV (over the 5 MiB of YAML, under the 40 MiB of
    CSV): three tracks of fifteen levels over forty competencies, with long summaries
    and descriptions, which CSV repeats on every row of their level or competency."""
    data = ladder_data(slug="large", name="Large", tracks=3, levels=15, competencies=40)
    for competency in data.competencies:
        competency.description = f"What {competency.name} covers, in detail. " * 50
    for track in data.tracks:
        for level in track.levels:
            level.summary = f"What {level.code} is trusted with, and how far it reaches. " * 40
            level.expectations = {
                key: f"{text} It shows in reviews, designs and incidents. " * 6
                for key, text in level.expectations.items()
            }
    return data


def shown(draft, **data) -> dict:
    """What a publish or discard form sends: the draft version its page showed, and
    that draft's stamp as it was then (``draft`` as loaded before any later edit)."""
    return {"version": str(draft.number), "stamp": str(draft.stamp), **data}


def shown_draft(slug="engineering", **data) -> dict:
    """``shown`` for the ladder's draft as it is now: a page opened just before."""
    return shown(LadderVersion.objects.drafts().get(ladder__slug=slug), **data)


def publish(data, note="First version."):
    return version_publish(version=ladder_import(data=data, user=None), user=None, note=note)


def level(version, code):
    return Level.objects.select_related("track", "version__ladder").get(version=version, code=code)


# People and proposals at known dates (the insight scenarios)  ---------------------------


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def person(name, manager=None, version=None, code=None, *, since=HIRED):
    """``name``, at ``code`` since ``since`` (a level history entry), reporting to ``manager``."""
    someone = PersonFactory(
        name=name, email=f"{name.lower().replace(' ', '.')}@example.com", manager=manager
    )
    if code:
        person_set_level(
            person=someone, level=level(version, code), by=None, source="hr", at=moment(since)
        )
        someone.refresh_from_db()
    return someone


def propose(someone, version, code, outcome="open", *, by, kind="promotion", on=SUBMITTED_ON):
    """``someone``'s proposal for ``code``, submitted on ``on`` and endorsed by their
    manager into the open cycle; then approved ("yes"), not approved ("no"),
    withdrawn, or left in calibration ("open")."""
    with time_machine.travel(moment(on), tick=False):
        proposal = proposal_create(
            person=someone, author=someone, kind=kind, target=level(version, code)
        )
        for key in COMPETENCIES:
            evidence_save(proposal=proposal, key=key, text=f"I did {key}.")
        proposal = proposal_submit(proposal=proposal, actor=someone, revision=proposal.revision)
        proposal = proposal_endorse(
            proposal=proposal, actor=someone.manager, revision=proposal.revision, note="Ready."
        )
    assert proposal.state == "in_calibration"
    if outcome == "withdrawn":
        proposal = proposal_withdraw(proposal=proposal, actor=someone, revision=proposal.revision)
    elif outcome in ("yes", "no"):
        proposal = proposal_decide(
            proposal=proposal,
            actor=by,
            revision=proposal.revision,
            approve=outcome == "yes",
            reasons=None if outcome == "yes" else {"comp-1": "Not yet at that scope."},
        )
    return proposal


def open_cycle(version, hr, *, name="Engineering H1", effective_on=EFFECTIVE, calibrators=None):
    """A cycle opened by ``hr``, who calibrates it unless ``calibrators`` says who does."""
    return cycle_open(
        ladder=version.ladder,
        name=name,
        starts_on=date(effective_on.year - 1, 12, 1),
        ends_on=date(effective_on.year, 2, 1),
        effective_on=effective_on,
        calibrators=calibrators or [hr],
        by=hr,
    )


# The world the role matrices share -------------------------------------------------


# States a proposal is walked to before the request (None: no proposal at all).
DRAFT, SUBMITTED, IN_CALIBRATION, APPROVED = "draft", "submitted", "in_calibration", "approved"


@dataclass
class World:
    people: dict
    engineering: LadderVersion
    cycle: CalibrationCycle
    proposal: Proposal | None = None
    extra: dict = field(default_factory=dict)


def give_level(person, version, code, *, at=None):
    """HR sets ``person`` at ``code`` of ``version``, now or ``at`` a past moment."""
    person_set_level(
        person=person, level=version.levels.get(code=code), by=None, source="hr", at=at
    )
    person.refresh_from_db()
    return person


def a_manager(name, email, boss):
    """A person with a report of their own: a manager, as calibrators are."""
    person = PersonFactory(name=name, email=email, manager=boss)
    PersonFactory(manager=person)
    return person


def build_world(*, top, director, manager, report, outsider, hr) -> World:
    engineering = publish(ladder_data())
    give_level(report, engineering, "IC1")
    calibrator = a_manager("Cara Calibrator", "cara@example.com", top)
    other_calibrator = a_manager("Oscar Othercycle", "oscar@example.com", top)
    last_year = cycle_open(
        ladder=engineering.ladder,
        name="Engineering 2025",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 2, 1),
        effective_on=date(2025, 3, 1),
        calibrators=[other_calibrator],
        by=hr,
    )
    cycle_close(cycle=last_year, by=hr)
    cycle = cycle_open(
        ladder=engineering.ladder,
        name="Engineering H1",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[calibrator],
        by=hr,
    )
    # Riya's own note in her evidence log: hers to edit, HR's to redact.
    entry = log_entry_add(
        person=report,
        author=report,
        happened_on=date(2025, 6, 2),
        text="Wrote the on-call runbook.",
        competencies=["comp-1"],
    )
    # Riya's check-in, open at her turn: she rates first.
    check_in = check_in_start(person=report, by=report)
    people = {
        "report": report,
        "manager": manager,
        "director": director,
        "calibrator": calibrator,
        "other_calibrator": other_calibrator,
        "hr": hr,
        "outsider": outsider,
    }
    return World(
        people=people,
        engineering=engineering,
        cycle=cycle,
        extra={"entry": entry, "check_in": check_in},
    )


def walk(world, state):
    """Riya's promotion to IC2, taken through the services to ``state``."""
    if state is None:
        return None
    report, manager = world.people["report"], world.people["manager"]
    ic2 = Level.objects.get(version=world.engineering, code="IC2")
    proposal = proposal_create(person=report, author=report, kind="promotion", target=ic2)
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text=f"I did {key}.")
    if state != DRAFT:
        proposal = proposal_submit(proposal=proposal, actor=report, revision=proposal.revision)
    if state not in (DRAFT, SUBMITTED):
        # The cycle is open: the endorsement takes it straight into the queue.
        proposal = proposal_endorse(
            proposal=proposal, actor=manager, revision=proposal.revision, note="Ready."
        )
    if state == APPROVED:
        proposal = proposal_decide(
            proposal=proposal, actor=world.people["hr"], revision=proposal.revision, approve=True
        )
    proposal.refresh_from_db()
    assert proposal.state == state
    world.proposal = proposal
    return proposal


def new_proposal_data(world):
    """What a valid request for Riya's promotion to IC2 posts."""
    return {"target": Level.objects.get(version=world.engineering, code="IC2").pk}


def new_cycle_data(world):
    """A valid cycle: on a ladder with no open cycle yet."""
    product = publish(ladder_data(slug="product", name="Product"))
    return {
        "name": "Product H1",
        "ladder": product.ladder.pk,
        "starts_on": "2026-01-01",
        "ends_on": "2026-02-01",
        "effective_on": "2026-03-01",
        "calibrators": [world.people["hr"].uid],
    }


def snapshot(world):
    """Everything a request could change."""
    proposal = world.proposal and Proposal.objects.get(pk=world.proposal.pk)
    return {
        "proposal": proposal and (proposal.state, proposal.revision, proposal.cycle_id),
        "events": proposal and proposal.events.count(),
        "comments": Comment.objects.count(),
        "evidence": sorted(Evidence.objects.values_list("competency_key", "text")),
        "proposals": Proposal.objects.count(),
        "cycles": sorted(CalibrationCycle.objects.values_list("name", "status")),
        "levels": LevelChange.objects.count(),
        "check_ins": sorted(CheckIn.objects.values_list("uid", "state", "revision")),
        "cadences": CheckInCadence.objects.count(),
        "ratings": sorted(
            CheckInRating.objects.values_list(
                "pk", "person_rating", "person_note", "agreed_rating", "redacted_at"
            )
        ),
        "log": sorted(
            LogEntry.objects.values_list("uid", "text", "competencies", "revision", "redacted_at")
        ),
        "people": sorted(
            Person.objects.values_list(
                "email", "manager_id", "level_id", "left_at", "reminders_off"
            )
        ),
        "passwords": sorted(get_user_model().objects.values_list("username", "password")),
        "versions": sorted(
            LadderVersion.objects.values_list("pk", "status", "name", "description")
        ),
        "parts": [model.objects.count() for model in (Ladder, Track, Level)],
        "competencies": sorted(Competency.objects.values_list("pk", "name", "position")),
        "expectations": sorted(Expectation.objects.values_list("pk", "text")),
    }


# The routes -----------------------------------------------------------------------


def routed_names(patterns=None, namespace=""):
    """Every named route the project's URLconf resolves, admin's as one entry each."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routed_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


# Races: real threads against PostgreSQL --------------------------------------------


def at_once(calls, *, refusal: type[Exception]):
    """Run each call in its own thread, released together through a barrier. Returns,
    per call, ("ok", result), ("refused", message) for a ``refusal``, or fails the test
    on anything else (a deadlock, a database error)."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index, call):
        try:
            connection.ensure_connection()  # connect first: the race starts at the barrier
            barrier.wait(timeout=30)
            outcomes[index] = ("ok", call())
        except refusal as error:
            outcomes[index] = ("refused", str(error))
        except Exception as error:  # a deadlock or any surprise fails the test below
            outcomes[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert [kind for kind, _ in outcomes if kind == "error"] == [], outcomes
    return outcomes


def check_in_ratings(check_in, ratings, notes=None) -> dict:
    """What a side of ``check_in`` posts to rate (or agree on) each competency, in the
    rubric's order; ``notes`` by competency name."""
    data = {"revision": check_in.revision}
    rows = check_in.ratings.select_related("competency").order_by("competency__position")
    for row, rating in zip(rows, ratings, strict=True):
        data[f"rating-{row.competency_id}"] = rating
        data[f"note-{row.competency_id}"] = (notes or {}).get(row.competency.name, "")
    return data


def agreed_check_in(person, manager, agreed, note=""):
    """A check-in of ``person`` taken through every step to ``agreed`` ratings."""
    check_in = check_in_start(person=person, by=person)
    rows = [r.competency_id for r in check_in.ratings.order_by("competency__position")]
    for by in (person, manager):
        check_in_rate(
            check_in=check_in,
            by=by,
            revision=CheckIn.objects.get(pk=check_in.pk).revision,
            ratings={pk: ("meets", note) for pk in rows},
        )
    return check_in_agree(
        check_in=check_in,
        by=manager,
        revision=CheckIn.objects.get(pk=check_in.pk).revision,
        agreed=dict(zip(rows, agreed, strict=True)),
    )
