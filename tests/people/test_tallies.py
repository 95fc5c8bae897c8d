"""A closed cycle's proposals counted once (``CycleTally``): what closing writes, the
command that counts cycles closed before, and the parity report reading the same
numbers from the tallies as from the proposals."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from ladders.models import Ladder
from people.models import CalibrationCycle, CycleTally
from people.selectors.insights import parity_tables
from people.services.tallies import cycle_tally
from people.services.workflow import cycle_close
from tests.builders import EFFECTIVE, ladder_data, open_cycle, person, propose, publish


@pytest.fixture
def engineering(db):
    """IC1-IC3 (grades 1-3) on "Individual contributor", M1-M3 (grades 2-4) on
    "Management 1"."""
    return publish(ladder_data())


@pytest.fixture
def closed(engineering, manager, hr):
    """A cycle taking effect on 1 March 2026, closed: its people held their level this
    many days by then (hand-counted)."""
    cycle = open_cycle(engineering, hr)
    for name, code, target, since, outcome, kind in (
        ("Ana", "IC1", "IC2", date(2025, 1, 1), "yes", "promotion"),  # 424 days
        ("Ben", "IC1", "IC2", date(2025, 6, 2), "yes", "promotion"),  # 272
        ("Dee", "IC1", "IC2", date(2023, 1, 1), "no", "promotion"),  # 1155
        ("Eve", "IC2", "M1", date(2023, 1, 1), "yes", "lateral"),  # 1155
        ("Fay", "M1", "M2", date(2024, 3, 1), "withdrawn", "promotion"),  # 730
    ):
        someone = person(name, manager, engineering, code, since=since)
        propose(someone, engineering, target, outcome, by=hr, kind=kind)
    cycle_close(cycle=cycle, by=hr, today=EFFECTIVE)
    cycle.refresh_from_db()
    return cycle


def tally_of(cycle):
    return sorted(
        (t.kind, t.from_kind, t.to_kind, t.to_grade, t.state, t.proposals, sorted(t.days_in_level))
        for t in CycleTally.objects.filter(cycle=cycle)
    )


CLOSED = [
    ("lateral", "ic", "management", 2, "approved", 1, [1155]),
    ("promotion", "ic", "ic", 2, "approved", 2, [272, 424]),
    ("promotion", "ic", "ic", 2, "not_approved", 1, [1155]),
    ("promotion", "management", "management", 3, "withdrawn", 1, [730]),
]


def test_closing_a_cycle_counts_its_proposals_by_kind_tracks_grade_and_outcome(closed):
    assert closed.tallied_at is not None
    assert tally_of(closed) == CLOSED


def test_an_open_cycle_is_not_counted(engineering, hr):
    cycle = open_cycle(engineering, hr)
    with pytest.raises(ValueError, match="still open"):
        cycle_tally(cycle=cycle)
    assert not CycleTally.objects.exists()
    cycle.refresh_from_db()
    assert cycle.tallied_at is None


def run(*args) -> str:
    out = StringIO()
    call_command("tally_cycles", *args, stdout=out)
    return out.getvalue().strip()


def test_the_command_counts_the_cycles_closed_before_tallies_and_replaces_on_recount(
    closed, engineering, hr
):
    CycleTally.objects.all().delete()
    CalibrationCycle.objects.update(tallied_at=None)
    still_open = open_cycle(engineering, hr, name="Engineering H2")
    assert run() == "1 cycle(s) counted."
    assert tally_of(closed) == CLOSED
    assert run() == "0 cycle(s) counted."
    assert run("--all") == "1 cycle(s) counted."
    assert tally_of(closed) == CLOSED  # replaced, not added to
    assert not CycleTally.objects.filter(cycle=still_open).exists()


def test_parity_reads_the_same_numbers_from_tallies_as_from_the_proposals(db):
    """The demo's history: cycles closed through the workflow (so counted), and an open
    one (read from its proposals). Forgetting every tally must change no number."""
    call_command("seed_demo", stdout=StringIO())
    assert CalibrationCycle.objects.filter(tallied_at__isnull=False).count() >= 2
    for ladder in Ladder.objects.all():
        counted = parity_tables(ladder)
        CalibrationCycle.objects.update(tallied_at=None)
        assert parity_tables(ladder) == counted, ladder.slug
        call_command("tally_cycles", stdout=StringIO())
