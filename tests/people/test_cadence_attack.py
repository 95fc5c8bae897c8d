"""Attacking the check-in cadence, HR's check-ins page and the daily check-in digest:
hostile values, stale forms, two HR people at once, month ends and time zones, people
who left or have no level, per-person queries, CSV formulas and who sees what."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ladders.models import LadderVersion
from ladders.services.versions import draft_discard, ladder_import
from people.models import CheckInCadence, Person
from people.selectors.cadence import check_ins_by_team, next_check_in
from people.services.cadence import check_in_cadence_set
from people.services.check_in_mail import check_in_digests_send
from people.services.checkins import check_in_cancel, check_in_rate, check_in_start
from people.services.departures import person_deactivate
from people.services.levels import person_set_level
from people.services.reporting_lines import person_set_manager
from tests.builders import agreed_check_in, at_once, ladder_data, level, publish
from tests.factories import PersonFactory

PAGE = reverse("people:check_in_insights")
SET = reverse("people:check_in_cadence")
JANUARY = datetime(2026, 1, 10, 12, tzinfo=UTC)
NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


def placed(person, version, on=JANUARY, code="IC1"):
    with time_machine.travel(on, tick=False):
        person_set_level(person=person, level=level(version, code), by=None, source="hr")
    return person


def body(response):
    return response.content.decode()


def check_ins_page(person):
    return reverse("people:check_ins", args=[person.uid])


@pytest.fixture
def digests(digest_mails):
    """Run the daily digest at ``moment``; returns {address: body} of what it mailed."""
    return lambda moment: {
        mail.to[0]: mail.subject + "\n" + mail.body for mail in digest_mails(moment)
    }


# HR's page: hostile values --------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"within": "0"},
        {"within": "-3"},
        {"within": "99999999999999999999999"},
        {"within": "\x00"},
        {"within": "3\x00"},
        {"within": "6 OR 1=1"},
        {"page": "99999"},
        {"page": "\x00"},
        {"page": "-1"},
        {"page": "1e9"},
        {"page": "9" * 400},
        {"download": "\x00"},
        {"download": "teams\x00"},
        {"within": "x" * 10_000},
    ],
)
def test_hostile_filter_values_give_the_page_not_a_500(client_for, engineering, hr, query):
    placed(PersonFactory(name="Riya Report"), engineering)
    response = client_for(hr).get(PAGE, query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "in the last 3 months" in body(response)


def test_repeated_params_take_the_last_and_page_past_the_end_gives_the_last_page(
    client_for, engineering, hr, top
):
    for n in range(55):  # 55 teams: two pages of 50
        boss = PersonFactory(name=f"Boss {n:02}", manager=top)
        placed(PersonFactory(name=f"Mate {n:02}", manager=boss), engineering)
    page = body(client_for(hr).get(f"{PAGE}?within=6&within=12&page=1&page=99999"))
    assert "in the last 12 months" in page
    assert "Page 2 of 2" in page
    # Its links keep the filter that held, once.
    assert 'href="?within=12&amp;page=1"' in page
    assert "within=6" not in page


def test_an_htmx_request_gets_only_the_teams_region_and_varies_on_it(client_for, engineering, hr):
    placed(PersonFactory(name="Riya Report"), engineering)
    response = client_for(hr).get(PAGE, {"within": "12"}, headers={"HX-Request": "true"})
    fragment = body(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="teams">')
    assert "<h1>" not in fragment
    assert "Agreed in 12 months" in fragment
    # The figures go to the live region above the teams, out of band: read out.
    assert re.search(
        r'<p id="teams-headline" hx-swap-oob="innerHTML">0 of 1 people agreed a check-in '
        r"in the last 12 months;",
        fragment,
    )
    assert "HX-Request" in response["Vary"]
    # A history restore needs the whole page.
    restore = client_for(hr).get(
        PAGE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<h1>Check-ins</h1>" in body(restore)


@pytest.mark.parametrize(
    "data",
    [
        {"ladder": "engineering", "months": "-3"},
        {"ladder": "engineering", "months": "0"},
        {"ladder": "engineering", "months": "99999999999999999999999"},
        {"ladder": "engineering", "months": "3\x00"},
        {"ladder": "engineering", "months": "\x00"},
        {"ladder": "engineering", "months": "3.0"},
        {"ladder": "engineering", "months": "x" * 100_000},
        {"ladder": "\x00", "months": "3"},
        {"ladder": "x" * 100_000, "months": "3"},
        {"ladder": "ENGINEERING", "months": "3"},
        {"ladder": "", "months": "3"},
    ],
)
def test_hostile_cadence_posts_are_refused_with_a_message(client_for, engineering, hr, data):
    response = client_for(hr).post(SET, data)
    assert response.status_code == 422
    assert 'role="alert"' in body(response)
    assert not CheckInCadence.objects.exists()


def test_a_repeated_field_in_the_cadence_post_takes_the_last(client_for, engineering, hr):
    response = client_for(hr).post(
        SET,
        "ladder=engineering&months=1&months=12",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert list(CheckInCadence.objects.values_list("months", flat=True)) == [12]


def test_the_cadence_form_is_post_only(client_for, engineering, hr):
    assert client_for(hr).get(SET).status_code == 405
    assert client_for(hr).post(PAGE).status_code == 405


def test_a_stale_form_for_a_ladder_never_published_or_whose_draft_was_discarded(
    client_for, engineering, hr
):
    draft = ladder_import(data=ladder_data(slug="design", name="Design"), user=None)
    client = client_for(hr)
    refused = client.post(SET, {"ladder": "design", "months": "3"})
    assert refused.status_code == 422
    assert "That ladder is not published: reload the page." in body(refused)
    draft_discard(version=draft)
    gone = client.post(SET, {"ladder": "design", "months": "3"})
    assert gone.status_code == 422
    assert "That ladder is not published: reload the page." in body(gone)
    assert not CheckInCadence.objects.exists()
    # A draft of a published ladder does not stop its cadence being set.
    ladder_import(data=ladder_data(), user=None)
    assert LadderVersion.objects.drafts().filter(ladder=engineering.ladder).exists()
    assert client.post(SET, {"ladder": "engineering", "months": "3"}).status_code == 302


def test_the_confirmation_names_the_ladder_as_the_page_shows_it(client_for, engineering, hr):
    """The page lists "People Operations"; the confirmation should not say its slug."""
    publish(ladder_data(slug="people-ops", name="People Operations"))
    page = body(client_for(hr).post(SET, {"ladder": "people-ops", "months": "3"}, follow=True))
    status = page.split('id="status"')[1].split("</div>")[0]
    assert "every quarter" in status
    assert "People Operations" in status, status


def test_only_hr_reaches_the_page_and_the_form_even_with_htmx_or_a_download(
    client_for, engineering, manager, report, outsider
):
    for someone in (manager, report, outsider):
        client = client_for(someone)
        assert client.get(PAGE, {"download": "teams"}).status_code == 404
        assert client.get(PAGE, headers={"HX-Request": "true"}).status_code == 404
        assert client.post(SET, {"ladder": "engineering", "months": "1"}).status_code == 404
    assert not CheckInCadence.objects.exists()


# Two HR people at once --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_hr_people_setting_the_same_cadence_at_once_write_it_once(engineering, hr):
    hugo = PersonFactory(name="Hugo HR", email="hugo@example.com", is_hr=True)
    calls = [
        lambda by=by: check_in_cadence_set(ladder=engineering.ladder, months=3, by=by)
        for by in (hr, hugo)
    ]
    outcomes = at_once(calls, refusal=Exception)
    assert sorted(result for _, result in outcomes) == [False, True]
    assert list(CheckInCadence.objects.values_list("months", flat=True)) == [3]


@pytest.mark.django_db(transaction=True)
def test_two_hr_people_setting_different_cadences_at_once_keep_both_in_order(engineering, hr):
    hugo = PersonFactory(name="Hugo HR", email="hugo@example.com", is_hr=True)
    outcomes = at_once(
        [
            lambda: check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr),
            lambda: check_in_cadence_set(ladder=engineering.ladder, months=12, by=hugo),
        ],
        refusal=Exception,
    )
    assert [result for _, result in outcomes] == [True, True]
    rows = list(CheckInCadence.objects.order_by("set_at", "pk"))
    assert len(rows) == 2
    assert rows[0].set_at <= rows[1].set_at
    # The page, the due rule and the history agree on which one is the cadence now.
    from people.selectors.cadence import ladder_cadences

    (shown,) = ladder_cadences()
    assert shown.newest.pk == rows[1].pk


# Month arithmetic and time zones -------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "months", "due_on"),
    [
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 10, 31), 1, date(2026, 11, 30)),
    ],
)
def test_calendar_months_at_month_ends_and_leap_years(
    report, manager, hr, engineering, since, months, due_on
):
    placed(report, engineering, on=datetime(since.year, since.month, since.day, 12, tzinfo=UTC))
    check_in_cadence_set(ladder=engineering.ladder, months=months, by=hr)
    assert next_check_in(report).due_at == datetime(
        due_on.year, due_on.month, due_on.day, 12, tzinfo=UTC
    )


BERLIN = ZoneInfo("Europe/Berlin")


def test_due_dates_count_calendar_months_in_the_companys_time_zone(
    settings, client_for, report, manager, hr, engineering
):
    """A company in Berlin (TIME_ZONE=Europe/Berlin): a promotion takes effect at local
    midnight on 1 March (as people/services/workflow.py dates a cycle's effective day),
    which is 23:00 UTC on 28 February. A monthly check-in is due on 1 April, local; the
    database adds the month in its session's UTC and says 29 March."""
    settings.TIME_ZONE = "Europe/Berlin"
    effective = datetime(2026, 3, 1, 0, 0, tzinfo=BERLIN)
    person_set_level(
        person=report, level=level(engineering, "IC1"), by=None, source="hr", at=effective
    )
    check_in_cadence_set(ladder=engineering.ladder, months=1, by=hr)
    assert timezone.localdate(next_check_in(report).due_at) == date(2026, 4, 1)
    # On 30 March, in Berlin, it is not due yet.
    with time_machine.travel(datetime(2026, 3, 30, 12, tzinfo=BERLIN), tick=False):
        page = body(client_for(manager).get(check_ins_page(report)))
    assert "has been due since" not in page
    assert "next check-in is due by 1 Apr 2026" in page


def test_the_digest_says_due_since_the_local_calendar_date(
    settings, report, manager, hr, engineering, digests
):
    settings.TIME_ZONE = "Europe/Berlin"
    effective = datetime(2026, 3, 1, 0, 0, tzinfo=BERLIN)
    person_set_level(
        person=report, level=level(engineering, "IC1"), by=None, source="hr", at=effective
    )
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    # 29 May, 09:00 in Berlin: a quarterly check-in from 1 March is due on 1 June.
    assert digests(datetime(2026, 5, 29, 9, tzinfo=BERLIN)) == {}
    mailed = digests(datetime(2026, 6, 1, 9, tzinfo=BERLIN))
    assert "due since 1 Jun 2026" in mailed["max@example.com"]


# Who is due: people who left, without a level, a cadence turned off ------------------------


def test_someone_who_left_is_not_shown_as_due_on_their_check_ins_page(
    client_for, report, manager, hr, engineering
):
    placed(report, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    person_deactivate(person=report, by=hr, reason="Moved abroad.")
    with time_machine.travel(NOW, tick=False):
        page = body(client_for(hr).get(check_ins_page(report)))
    assert "Riya Report" in page
    assert "Check-in due" not in page
    assert "has been due since" not in page
    assert next_check_in(Person.objects.get(pk=report.pk)) is None


def test_people_who_left_or_have_no_level_are_not_due_anywhere(
    client_for, report, manager, hr, engineering, digests
):
    placed(report, engineering)
    gone = placed(
        PersonFactory(name="Gus Gone", email="gus@example.com", manager=manager), engineering
    )
    PersonFactory(name="Nina Nolevel", email="nina@example.com", manager=manager)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    person_deactivate(person=gone, by=hr, reason="Moved on.")
    mailed = digests(NOW)
    assert set(mailed) == {"max@example.com", "riya@example.com"}
    assert "Gus Gone" not in mailed["max@example.com"]
    assert "Nina" not in mailed["max@example.com"]
    assert mailed["max@example.com"].startswith("Check-ins: 1 due")
    with time_machine.travel(NOW, tick=False):
        team = body(client_for(manager).get(reverse("people:team_growth")))
        hr_page = body(client_for(hr).get(PAGE))
    assert "Gus Gone" not in team
    assert "0 of 1 people agreed" in hr_page  # only Riya counts: not Gus, not Nina
    assert "1 is due one" in hr_page


def test_a_cadence_turned_off_again_asks_nothing(
    client_for, report, manager, hr, engineering, digests
):
    placed(report, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    check_in_cadence_set(ladder=engineering.ladder, months=None, by=hr)
    assert digests(NOW) == {}
    assert next_check_in(report) is None
    with time_machine.travel(NOW, tick=False):
        home = body(client_for(report).get("/"))
        page = body(client_for(hr).get(PAGE))
    assert "Check-in due" not in home
    assert '<option value="" selected>None asked</option>' in page
    assert "0 are due one" in page


def test_a_departed_managers_reports_are_counted_with_hr_on_hrs_page(
    client_for, report, manager, hr, engineering
):
    """Once Max left, HR holds Riya's check-ins (``reviewing_manager`` is None, the
    digest tells HR). HR's page still files her under "Max Manager's team", with a due
    count nobody there can act on, instead of "No manager (with HR)"."""
    placed(report, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    person_deactivate(person=manager, by=hr, reason="Moved on.")
    with time_machine.travel(NOW, tick=False):
        teams = check_ins_by_team(within_months=3)
    (riyas,) = [team for team in teams if team.people == 1 and team.due == 1]
    assert (riyas.manager_uid, riyas.name) == (None, "No manager (with HR)")


# The digest's edge cases ----------------------------------------------------------------


def test_hr_people_without_a_manager_each_get_their_own_due_and_the_others(
    hr, engineering, digests
):
    hugo = PersonFactory(name="Hugo HR", email="hugo@example.com", is_hr=True)
    placed(hr, engineering)
    placed(hugo, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    mailed = digests(NOW)
    assert set(mailed) == {"hana@example.com", "hugo@example.com"}
    hana = mailed["hana@example.com"]
    assert hana.startswith("Check-ins: 2 due")
    assert "- Your check-in: one every quarter" in hana
    assert "- A check-in with Hugo HR: one every quarter" in hana
    assert "A check-in with Hana People" not in hana


def test_hr_who_holds_a_check_in_without_manager_hears_of_it_but_not_of_their_own_steps(
    hr, engineering, digests
):
    ceo = placed(PersonFactory(name="Cleo Ceo", email="cleo@example.com"), engineering)
    with time_machine.travel(NOW - timedelta(hours=3), tick=False):
        check_in_start(person=ceo, by=hr)
    mailed = digests(NOW)
    assert list(mailed) == ["cleo@example.com"]
    assert "Hana People started a check-in with you" in mailed["cleo@example.com"]
    assert "HR rates next" in mailed["cleo@example.com"]


def test_mail_off_for_the_person_still_tells_their_manager(
    report, manager, hr, engineering, digests
):
    placed(report, engineering)
    Person.objects.filter(pk=report.pk).update(reminders_off=True)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    mailed = digests(NOW)
    assert list(mailed) == ["max@example.com"]
    assert (
        "A check-in with Riya Report: one every quarter, due since 10 Apr 2026"
        in mailed["max@example.com"]
    )


def test_a_check_in_started_and_cancelled_the_same_day_is_told_as_cancelled_only(
    report, manager, hr, engineering, digests
):
    placed(report, engineering)
    with time_machine.travel(NOW - timedelta(hours=5), tick=False):
        check_in = check_in_start(person=report, by=manager)
    with time_machine.travel(NOW - timedelta(hours=4), tick=False):
        check_in_cancel(check_in=check_in, by=manager, revision=1, reason="Started by mistake.")
    mailed = digests(NOW)
    assert list(mailed) == ["riya@example.com"]
    riya = mailed["riya@example.com"]
    assert riya.startswith("Check-ins: 1 new\n")
    assert "was cancelled by Max Manager: Started by mistake." in riya
    assert "started a check-in with you" not in riya


def test_a_departed_managers_report_who_is_due_is_told_to_hr_not_to_him(
    report, manager, hr, engineering, digests
):
    placed(report, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    person_deactivate(person=manager, by=hr, reason="Moved on.")
    mailed = digests(NOW)
    assert set(mailed) == {"riya@example.com", "hana@example.com"}
    assert "A check-in with Riya Report" in mailed["hana@example.com"]


def test_a_due_check_in_agreed_the_same_day_is_not_recalled(
    report, manager, hr, engineering, digests
):
    placed(report, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        agreed_check_in(report, manager, ["meets"] * 3)
    mailed = digests(NOW)
    assert "due" not in mailed.get("max@example.com", "").split("\n")[0]
    assert "Due by your ladder" not in mailed.get("riya@example.com", "")


def test_a_manager_skipped_by_an_extra_run_still_hears_of_a_due_report_the_next_day(
    report, manager, hr, engineering, digests
):
    """Recalled "to both of them, once a week": the week is counted per due person,
    not per recipient. An extra run the same day (a manual one) mails Riya her due
    check-in, skips Max (he had his digest that morning) and marks Riya recalled; so
    the next daily run tells Max nothing, and he hears a week later."""
    placed(report, engineering)  # due on 10 April, 12:00 UTC, at a quarterly cadence
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    bo = placed(
        PersonFactory(name="Bo Teammate", email="bo@example.com", manager=manager),
        engineering,
        on=datetime(2026, 4, 1, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 4, 10, 7, tzinfo=UTC), tick=False):
        check_in = check_in_start(person=bo, by=bo)
        check_in_rate(
            check_in=check_in,
            by=bo,
            revision=check_in.revision,
            ratings={r.competency_id: ("meets", "") for r in check_in.ratings.all()},
        )
    assert list(digests(datetime(2026, 4, 10, 9, tzinfo=UTC))) == ["max@example.com"]
    assert list(digests(datetime(2026, 4, 10, 15, tzinfo=UTC))) == ["riya@example.com"]
    mailed = digests(datetime(2026, 4, 11, 9, tzinfo=UTC))
    assert "A check-in with Riya Report" in mailed.get("max@example.com", ""), mailed


def test_a_cadence_outside_the_choices_is_refused_or_harmless(
    client_for, report, manager, hr, engineering, mailoutbox
):
    """No database constraint keeps ``months`` to 1, 2, 3, 6 or 12, nor does the
    service check it: a 4 (a shell, an import, the admin of tomorrow) makes
    ``every_words`` raise on Home, the check-ins page and in the digest run."""
    placed(report, engineering)
    try:
        with transaction.atomic():
            check_in_cadence_set(ladder=engineering.ladder, months=4, by=hr)
    except (IntegrityError, ValueError):
        return
    except Exception as error:  # a domain error of the service: refused, fine
        assert "4" in str(error) or "cadence" in str(error).lower()
        return
    assert client_for(report).get("/").status_code == 200
    assert client_for(manager).get(check_ins_page(report)).status_code == 200
    check_in_digests_send()


# Query counts that grow with size -------------------------------------------------------


def _due_team(manager, engineering, size, start):
    for n in range(size):
        placed(
            PersonFactory(
                name=f"Mate {start + n}", email=f"mate{start + n}@example.com", manager=manager
            ),
            engineering,
        )


def _digest_queries(django_capture_on_commit_callbacks):
    with (
        time_machine.travel(NOW, tick=False),
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        sent = check_in_digests_send()
    return sent, len(queries)


@pytest.mark.parametrize("size", [10, 100])
def test_digest_run_queries_by_size(
    manager, hr, engineering, django_capture_on_commit_callbacks, size
):
    """Measured, not asserted: see the next test."""
    _due_team(manager, engineering, size, 0)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    sent, count = _digest_queries(django_capture_on_commit_callbacks)
    assert sent == size + 1
    print(f"\ndigest: {size} due reports, {sent} digests, {count} queries")


def test_the_digest_run_does_not_query_per_person(
    manager, hr, engineering, django_capture_on_commit_callbacks
):
    """A daily run over the whole company in one transaction (under an advisory lock
    and row locks of stalled check-ins): each digest queued costs an INSERT of its
    mail and an UPDATE of the person's last_digest_at, and each mail's own
    send_pending after the commit a transaction of its own."""
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    _due_team(manager, engineering, 10, 0)
    _, small = _digest_queries(django_capture_on_commit_callbacks)
    Person.objects.update(last_digest_at=None, due_recalled_at=None)
    _due_team(manager, engineering, 90, 10)
    _, large = _digest_queries(django_capture_on_commit_callbacks)
    assert large - small <= 10, f"10 people: {small} queries; 100 people: {large}"


def test_hrs_page_reads_a_fixed_number_of_queries_for_10_or_100_teams(
    client_for, hr, engineering, top
):
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    publish(ladder_data(slug="design", name="Design"))
    client = client_for(hr)

    def teams(size, start):
        for n in range(start, start + size):
            boss = PersonFactory(name=f"Boss {n}", manager=top)
            placed(PersonFactory(name=f"Mate {n}", manager=boss), engineering)

    def count(**query):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE, query).status_code == 200
        return len(queries)

    teams(10, 0)
    small = (count(), count(page="2"), count(download="teams"), count(within="12"))
    teams(90, 10)
    large = (count(), count(page="2"), count(download="teams"), count(within="12"))
    print(f"\nHR page: 10 teams {small}; 100 teams {large}")
    assert large == small


# CSV formulas ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "'=1+1", '=HYPERLINK("x")'],
)
def test_the_teams_csv_runs_no_formula(client_for, hr, engineering, top, name):
    boss = PersonFactory(name=name, manager=top)
    placed(PersonFactory(name="Mate", manager=boss), engineering)
    with time_machine.travel(NOW, tick=False):
        response = client_for(hr).get(PAGE, {"download": "teams"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[0] for row in rows[1:]] == ["'" + name]


# Who sees what --------------------------------------------------------------------------


def test_nobody_outside_the_chain_sees_someones_due_check_in(
    client_for, report, manager, director, outsider, hr, engineering
):
    placed(report, engineering)
    placed(manager, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    with time_machine.travel(NOW, tick=False):
        for viewer in (manager, director, hr):
            page = body(client_for(viewer).get(check_ins_page(report)))
            assert "Riya Report's check-in has been due since 10 Apr 2026" in page
        # A report does not read their manager's check-ins; nor does a colleague elsewhere.
        assert client_for(report).get(check_ins_page(manager)).status_code == 404
        assert client_for(outsider).get(check_ins_page(report)).status_code == 404
        # Olga's team view is hers: Riya is not on it.
        otto = outsider.manager
        assert "Riya" not in body(client_for(otto).get(reverse("people:team_growth")))
        assert client_for(report).get(reverse("people:team_growth")).status_code == 404


def test_a_former_manager_no_longer_sees_their_ex_reports_due_or_check_ins_page(
    client_for, report, manager, outsider, hr, engineering
):
    placed(report, engineering)
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        held = check_in_start(person=report, by=manager)
    person_set_manager(person=report, manager=outsider.manager)
    with time_machine.travel(NOW, tick=False):
        max_client = client_for(manager)
        assert max_client.get(check_ins_page(report)).status_code == 404
        assert "Riya" not in body(max_client.get(reverse("people:team_growth")))
        # The check-in he held, cancelled by the move, he still reads (by design).
        assert max_client.get(held.get_absolute_url()).status_code == 200
        home = body(max_client.get("/"))
    assert "Riya" not in home
