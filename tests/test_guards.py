"""Site-wide guards: things that must hold for every page and every change."""

import re
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from ladders.models import Level
from ladders.services.versions import draft_start
from people.services.check_in_mail import stop_token
from people.services.checkins import check_in_start
from people.services.evidence_log import log_entry_add
from people.services.workflow import cycle_open, proposal_create
from tests.builders import ladder_data, publish

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


def test_no_model_change_is_missing_its_migration(db):
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff_is_clean(args):
    result = subprocess.run(
        [str(RUFF), *args, "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_types_check():
    """mypy with the Django plugin, as configured in pyproject.toml (lenient to start,
    only ever tightened)."""
    result = subprocess.run(
        [str(RUFF.parent / "mypy")], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _named_routes(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # Django's own admin, with its own templates.
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


# Every page a person can open, as the person who may open it. A route added
# without an entry here fails test_every_route_is_checked_for_one_h1.
PAGES = {
    "people:home": ("hr", "/"),
    "people:directory": ("hr", "/people/"),
    "people:import": ("hr", "/people/import/"),
    "people:detail": ("hr", "/people/{report.uid}/"),
    "login": (None, "/accounts/login/"),
    "password_change": ("report", "/accounts/password/"),
    "password_change_done": ("report", "/accounts/password/done/"),
    "password_reset": (None, "/accounts/password/reset/"),
    "password_reset_done": (None, "/accounts/password/reset/sent/"),
    "password_reset_confirm": (None, "/accounts/password/reset/MQ/bad-token/"),
    "password_reset_complete": (None, "/accounts/password/reset/complete/"),
    "ladders:list": ("hr", "/ladders/"),
    "ladders:new": ("hr", "/ladders/new/"),
    "ladders:import": ("hr", "/ladders/import/"),
    "ladders:detail": ("report", "/ladders/engineering/"),
    "ladders:level": ("report", "/ladders/engineering/levels/IC1/"),
    "ladders:competency": ("report", "/ladders/engineering/competencies/comp-1/"),
    "ladders:compare": ("report", "/ladders/engineering/compare/"),
    "ladders:history": ("hr", "/ladders/engineering/versions/"),
    "ladders:diff": ("hr", "/ladders/engineering/versions/diff/?from=1&to=2"),
    "ladders:editor": ("hr", "/ladders/engineering/draft/"),
    "ladders:cell_edit": ("hr", "/ladders/engineering/draft/edit-cell/comp-1/IC1/"),
    "ladders:item_edit": ("hr", "/ladders/engineering/draft/edit/levels/IC1/"),
    "ladders:preview": ("hr", "/ladders/engineering/draft/preview/"),
    "people:proposals": ("report", "/proposals/"),
    "people:proposal_new": ("report", "/proposals/new/"),
    "people:proposal": ("report", "/proposals/{proposal.uid}/"),
    "people:proposal_evidence": ("report", "/proposals/{proposal.uid}/evidence/"),
    "people:cycles": ("hr", "/cycles/"),
    "people:cycle_new": ("hr", "/cycles/new/"),
    "people:cycle": ("hr", "/cycles/{cycle.uid}/"),
    "people:cycle_insights": ("hr", "/cycles/{cycle.uid}/insights/"),
    "people:parity": ("hr", "/insights/parity/"),
    "people:check_in_insights": ("hr", "/insights/check-ins/"),
    "people:growth": ("report", "/people/{report.uid}/growth/"),
    "people:log": ("report", "/people/{report.uid}/log/"),
    "people:check_ins": ("report", "/people/{report.uid}/check-ins/"),
    "people:team_growth": ("manager", "/team/growth/"),
    "people:reminders": (None, "/reminders/{stop}/"),
    "people:check_in": ("report", "/check-ins/{check_in.uid}/"),
    "people:log_entry_edit": ("report", "/people/{report.uid}/log/{entry.uid}/edit/"),
    "people:log_entry_redact": ("hr", "/people/{report.uid}/log/{entry.uid}/redact/"),
}
# POSTs that redirect, a download, a fragment, a probe: no page of their own.
NOT_PAGES = {
    "logout",
    "people:check_in_cadence",
    "people:check_in_start",
    "people:check_in_rate",
    "people:check_in_cancel",
    "people:check_in_redact",
    "healthz",
    "people:change_manager",
    "people:set_level",
    "people:deactivate",
    "people:reactivate",
    "ladders:export",
    "ladders:start_draft",
    "ladders:details",
    "ladders:cell",
    "ladders:item_add",
    "ladders:item_remove",
    "ladders:item_move",
    "ladders:publish",
    "ladders:discard",
    "people:evidence_autosave",
    "people:proposal_submit",
    "people:proposal_withdraw",
    "people:proposal_endorse",
    "people:proposal_return",
    "people:proposal_comment",
    "people:proposal_decide",
    "people:cycle_close",
}


@pytest.fixture
def ladder_with_draft(db):
    """Engineering version 1 published, version 2 a draft."""
    version = publish(ladder_data())
    return draft_start(ladder=version.ladder, user=None)


@pytest.fixture
def proposal_in_cycle(ladder_with_draft, report, hr):
    """The report's promotion IC1 -> IC2, in an open cycle HR calibrates."""
    version = ladder_with_draft.based_on
    report.level = Level.objects.get(version=version, code="IC1")
    report.save()
    target = Level.objects.get(version=version, code="IC2")
    proposal = proposal_create(person=report, author=report, kind="promotion", target=target)
    cycle = cycle_open(
        ladder=version.ladder,
        name="Cycle",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 2, 1),
        effective_on=date(2026, 3, 1),
        calibrators=[hr],
        by=hr,
    )
    return proposal, cycle


def test_every_route_is_checked_for_one_h1():
    routes = set(_named_routes(get_resolver().url_patterns))
    assert routes - NOT_PAGES == set(PAGES)


@pytest.fixture
def log_entry(report, proposal_in_cycle):
    """A note in the report's evidence log (the report is IC1 by then)."""
    return log_entry_add(
        person=report,
        author=report,
        happened_on=date(2026, 1, 5),
        text="Wrote the runbook.",
        competencies=["comp-1"],
    )


@pytest.fixture
def check_in(report, proposal_in_cycle):
    """The report's check-in, open at their turn."""
    return check_in_start(person=report, by=report)


@pytest.mark.parametrize("route", sorted(PAGES))
def test_every_page_has_exactly_one_h1_a_skip_link_and_main(
    request, client, route, report, proposal_in_cycle, log_entry, check_in
):
    viewer, url = PAGES[route]
    if viewer:
        client.force_login(request.getfixturevalue(viewer).user)
    proposal, cycle = proposal_in_cycle
    response = client.get(
        url.format(
            report=report,
            proposal=proposal,
            cycle=cycle,
            entry=log_entry,
            check_in=check_in,
            stop=stop_token(report),
        )
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", body)) == 1
    assert '<a class="skip-link" href="#main">' in body
    assert '<main id="main"' in body


@pytest.mark.parametrize("status_page", ["404", "403"])
def test_error_pages_have_one_h1(client_for, report, status_page):
    client = client_for(report)
    if status_page == "404":
        response = client.get("/no-such-page/")
    else:
        report.user.person.delete()
        response = client.get("/")
    assert response.status_code == int(status_page)
    assert len(re.findall(r"<h1[\s>]", response.content.decode())) == 1
