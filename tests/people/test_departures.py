"""People who leave: HR records it on their page or through the import; they can no
longer sign in, nothing of theirs waits for ever, and HR can bring them back."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from people.models import OutgoingEmail, Person, Proposal, ProposalEvent
from people.selectors.proposals import waiting_for
from people.services.departures import DepartureError, person_deactivate, person_reactivate
from people.services.notifications import notify
from people.services.people_import import PeopleImportError, people_import
from people.services.reporting_lines import person_set_manager
from people.services.workflow import (
    NO_REVIEWER,
    WorkflowError,
    evidence_save,
    proposal_create,
    proposal_submit,
)
from tests.builders import COMPETENCIES, SUBMITTED, build_world, give_level, walk


@pytest.fixture
def world(top, director, manager, report, outsider, hr):
    return build_world(
        top=top, director=director, manager=manager, report=report, outsider=outsider, hr=hr
    )


def leave_url(person):
    return f"/people/{person.uid}/leave/"


def leave(client, person, **data):
    return client.post(leave_url(person), {"reason": "Moved abroad.", "confirm": "on", **data})


def refreshed(person):
    return Person.objects.select_related("user").get(pk=person.pk)


# Recording a departure on the person's page


def test_hr_records_a_departure_and_the_open_proposal_is_withdrawn_with_the_reason(
    world, client_for, hr, report
):
    proposal = walk(world, SUBMITTED)

    response = leave(client_for(hr), report)

    assert response.status_code == 302
    report = refreshed(report)
    assert report.has_left
    assert report.left_reason == "Moved abroad."
    assert not report.user.is_active
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN
    event = proposal.events.order_by("-at", "-pk").first()
    assert (event.action, event.actor, event.from_state) == ("withdrawn", hr, "submitted")
    assert event.note == "Riya Report left: Moved abroad."


def test_a_departure_ends_the_sessions_already_open(world, hr, report):
    theirs = Client()
    theirs.force_login(report.user)
    assert theirs.get("/").status_code == 200

    person_deactivate(person=report, by=hr, reason="Left.")

    response = theirs.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_someone_who_left_leaves_the_seats_of_open_cycles_only(world, hr):
    calibrator = world.people["calibrator"]
    last_years = world.people["other_calibrator"]

    departure = person_deactivate(person=calibrator, by=hr, reason="Left.")
    person_deactivate(person=last_years, by=hr, reason="Left.")

    assert departure.seats == 1
    assert not world.cycle.calibrators.filter(pk=calibrator.pk).exists()
    # A closed cycle's record of who calibrated it is history: it stays.
    assert Person.objects.get(pk=last_years.pk).calibrated_cycles.exists()


def test_a_draft_they_wrote_for_someone_else_is_withdrawn_so_the_track_is_free(
    world, manager, report, hr
):
    nomination = proposal_create(
        person=report, author=manager, kind="promotion", target=level_ic2(world)
    )

    person_deactivate(person=manager, by=hr, reason="Left.")

    nomination.refresh_from_db()
    assert nomination.state == Proposal.State.WITHDRAWN
    assert nomination.events.last().note == "Its author, Max Manager, left: Left."


def level_ic2(world):
    return world.engineering.levels.get(code="IC2")


def test_a_departure_must_be_confirmed_and_nothing_changes_without(world, client_for, hr, report):
    response = client_for(hr).post(leave_url(report), {"reason": "Moved abroad."})

    assert response.status_code == 422
    assert "Tick the box to confirm that they left." in response.content.decode()
    assert not refreshed(report).has_left


def test_a_person_who_left_cannot_leave_twice(world, client_for, hr, report):
    client = client_for(hr)
    leave(client, report)

    response = leave(client, report)

    assert response.status_code == 422
    assert "Riya Report already left on" in response.content.decode()
    assert "nothing was changed" in response.content.decode()


def test_hr_cannot_record_their_own_departure(world, client_for, hr):
    response = leave(client_for(hr), hr)

    assert response.status_code == 403
    assert "another HR person does it" in response.content.decode()
    assert not refreshed(hr).has_left
    with pytest.raises(DepartureError):
        person_deactivate(person=hr, by=hr, reason="Left.")


def test_hr_reactivates_someone_who_left_and_their_withdrawals_stand(world, client_for, hr, report):
    proposal = walk(world, SUBMITTED)
    client = client_for(hr)
    leave(client, report)

    response = client.post(f"/people/{report.uid}/return/", follow=True)

    assert "Riya Report is back: they can sign in again." in response.content.decode()
    report = refreshed(report)
    assert not report.has_left
    assert report.user.is_active
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN
    with pytest.raises(DepartureError, match="has not left"):
        person_reactivate(person=report)


# What others see afterwards


def test_the_directory_and_their_page_mark_them_as_left_and_keep_their_history(
    world, client_for, hr, report
):
    proposal = walk(world, SUBMITTED)
    person_deactivate(person=report, by=hr, reason="Moved abroad.")
    client = client_for(hr)

    directory = client.get("/people/?q=riya").content.decode()
    page = client.get(f"/people/{report.uid}/").content.decode()

    assert '<span class="badge badge-left">Left</span>' in directory
    assert "Riya Report left on" in page
    assert "Moved abroad." in page
    assert "Level history" in page
    assert "Reactivate Riya Report" in page
    assert client.get(proposal.get_absolute_url()).status_code == 200


def test_the_page_of_a_manager_who_left_lists_whose_manager_to_replace(
    world, client_for, hr, manager, report
):
    person_deactivate(person=manager, by=hr, reason="Left.")

    page = client_for(hr).get(f"/people/{manager.uid}/").content.decode()

    assert "each of these people needs a new manager" in page
    assert f'href="/people/{report.uid}/#manager-heading"' in page
    report_page = client_for(hr).get(f"/people/{report.uid}/").content.decode()
    assert "Max Manager, their manager, has left" in report_page


def test_who_left_is_in_no_team_or_tree_any_more(world, client_for, hr, director, manager, report):
    def tree(client, page):
        html = client.get(page).content.decode()
        return int(
            re.search(r"(\d+) (?:person|people) in (?:your|the whole) reporting tree", html)[1]
        )

    directors_home = tree(client_for(director), "/")
    directors_page = tree(client_for(hr), f"/people/{director.uid}/")
    managers_page = client_for(director).get(f"/people/{manager.uid}/").content.decode()
    assert f'<a href="/people/{report.uid}/">Riya Report</a>' in managers_page
    person_deactivate(person=report, by=hr, reason="Moved abroad.")

    assert tree(client_for(director), "/") == directors_home - 1
    assert tree(client_for(hr), f"/people/{director.uid}/") == directors_page - 1
    managers_page = client_for(director).get(f"/people/{manager.uid}/").content.decode()
    assert f"?person={report.uid}" not in managers_page  # nobody offers to nominate her
    assert f'<a href="/people/{report.uid}/">Riya Report</a>' not in managers_page
    # She is still found, marked as gone.
    directory = client_for(director).get("/people/?q=riya").content.decode()
    assert '<span class="badge badge-left">Left</span>' in directory


def test_nobody_is_given_a_manager_who_left(world, client_for, hr, manager, outsider):
    person_deactivate(person=manager, by=hr, reason="Left.")

    response = client_for(hr).post(
        f"/people/{outsider.uid}/manager/", {"manager_email": manager.email}
    )

    assert response.status_code == 422
    assert "Max Manager has left the company" in response.content.decode()


# The requests their manager would have reviewed


def test_a_submitted_request_of_a_report_of_someone_who_left_waits_for_hr(
    world, client_for, hr, manager, report
):
    proposal = walk(world, SUBMITTED)

    person_deactivate(person=manager, by=hr, reason="Left.")

    assert [p.pk for p in waiting_for(hr)["to_review"]] == [proposal.pk]
    response = client_for(hr).post(
        f"/proposals/{proposal.uid}/endorse/",
        {"note": "Endorsed by HR: her manager left.", "revision": proposal.revision},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.IN_CALIBRATION


def test_a_report_of_someone_who_left_cannot_submit_a_request_nobody_would_review(
    world, hr, manager, report
):
    proposal = proposal_create(
        person=report, author=report, kind="promotion", target=level_ic2(world)
    )
    for key in COMPETENCIES:
        evidence_save(proposal=proposal, key=key, text="Done.")

    person_deactivate(person=manager, by=hr, reason="Left.")

    with pytest.raises(WorkflowError, match="their manager has left"):
        proposal_submit(proposal=proposal, actor=report, revision=proposal.revision)
    assert NO_REVIEWER.startswith("Nobody could endorse")


def test_nobody_who_left_is_mailed(world, hr, report):
    person_deactivate(person=report, by=hr, reason="Left.")
    report = refreshed(report)
    OutgoingEmail.objects.all().delete()  # her departure's own mail (a check-in cancelled)

    notify([report, hr], template="proposal_nominated", context={"actor": hr}, proposal=None)

    assert list(OutgoingEmail.objects.values_list("to", flat=True)) == [hr.email]


def test_a_request_submitted_by_someone_without_a_manager_waits_for_hr(world, top, hr):
    """Before such requests went through HR, someone at the top could submit one:
    it is in HR's list of what to review, and HR may endorse it."""
    give_level(top, world.engineering, "IC1")
    proposal = proposal_create(person=top, author=hr, kind="promotion", target=level_ic2(world))
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.SUBMITTED)

    assert [p.pk for p in waiting_for(hr)["to_review"]] == [proposal.pk]
    assert waiting_for(top)["to_review"] == []


def test_hr_finds_a_request_nobody_else_would_review_on_home_and_may_endorse_it(
    world, client_for, top, hr
):
    give_level(top, world.engineering, "IC1")
    proposal = proposal_create(person=top, author=hr, kind="promotion", target=level_ic2(world))
    Proposal.objects.filter(pk=proposal.pk).update(state=Proposal.State.SUBMITTED)
    client = client_for(hr)

    home = client.get("/").content.decode()
    page = client.get(proposal.get_absolute_url()).content.decode()

    assert "those of people with no manager to review them" in home
    assert proposal.get_absolute_url() in home
    assert f"/proposals/{proposal.uid}/endorse/" in page
    # Ada herself, at the top, is offered nothing to endorse about herself.
    assert (
        f"/proposals/{proposal.uid}/endorse/"
        not in client_for(top).get(proposal.get_absolute_url()).content.decode()
    )


# The people import


def test_the_import_records_departures_and_returns(world, hr, report):
    proposal = walk(world, SUBMITTED)
    summary = people_import(
        data=b"email,name,active\nriya@example.com,Riya Report,no\n", by=hr.user
    )

    assert (summary.left, summary.updated) == (1, 1)
    assert "1 left, 0 back." in str(summary)
    report = refreshed(report)
    assert report.has_left and not report.user.is_active
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.WITHDRAWN
    assert ProposalEvent.objects.filter(proposal=proposal, action="withdrawn", actor=hr).exists()

    summary = people_import(
        data=b"email,name,active\nriya@example.com,Riya Report,yes\n", by=hr.user
    )

    assert summary.returned == 1
    assert refreshed(report).user.is_active


def test_the_import_refuses_the_importers_own_departure_and_unknown_values(world, hr):
    with pytest.raises(PeopleImportError) as caught:
        people_import(
            data=b"email,name,active\nhana@example.com,Hana People,no\n"
            b"riya@example.com,Riya Report,gone\n",
            by=hr.user,
        )

    assert [str(p) for p in caught.value.problems] == [
        "Line 2, active: You cannot record your own departure: another HR person does it.",
        "Line 3, active: Unknown active 'gone'. Use yes (works here), no (has left) or leave it "
        "empty to keep them as they are.",
    ]
    assert not Person.objects.filter(left_at__isnull=False).exists()


def test_the_import_puts_nobody_under_a_manager_who_left(world, hr, manager, report):
    with pytest.raises(PeopleImportError) as caught:
        people_import(
            data=b"email,name,manager_email,active\nmax@example.com,Max Manager,,no\n"
            b"olga@example.com,Olga Outsider,max@example.com,\n"
            b"riya@example.com,Riya Report,max@example.com,\n",
            by=hr.user,
        )

    # Riya already reports to Max: that stays for HR to fix; Olga would be new under him.
    assert [str(p) for p in caught.value.problems] == [
        "Line 3, manager_email: max@example.com has left the company: choose someone who "
        "still works here."
    ]


def test_hr_home_lists_whose_manager_left_until_each_has_a_new_one(
    world, client_for, hr, manager, director, report
):
    person_deactivate(person=manager, by=hr, reason="Left.")

    home = client_for(hr).get("/").content.decode()

    assert "Reporting to someone who left" in home
    link = f'<a href="/people/{report.uid}/#manager-heading">Riya Report</a>'
    assert f"Max Manager left: give {link} a new manager." in home
    # Only HR, who can change managers, is asked to.
    assert "Reporting to someone who left" not in client_for(director).get("/").content.decode()

    person_set_manager(person=report, manager=director)
    assert "Reporting to someone who left" not in client_for(hr).get("/").content.decode()
