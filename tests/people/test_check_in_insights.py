"""HR's check-ins page: the cadence asked on each ladder (each change kept, who and
when), and per team how many agreed a check-in lately, have one open, or are due."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import CheckInCadence
from people.services.cadence import check_in_cadence_set
from people.services.checkins import check_in_start
from people.services.levels import person_set_level
from tests.builders import SIGNED_IN, agreed_check_in, ladder_data, level, publish
from tests.factories import PersonFactory

PAGE = reverse("people:check_in_insights")
SET = reverse("people:check_in_cadence")
NOW = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


def body(response):
    return response.content.decode()


def placed(person, version, on):
    with time_machine.travel(on, tick=False):
        person_set_level(person=person, level=level(version, "IC1"), by=None, source="hr")
    return person


def test_hr_sets_a_ladders_cadence_and_who_changed_it_is_kept(client_for, engineering, hr):
    client = client_for(hr)
    assert "Never set" in body(client.get(PAGE))
    response = client.post(SET, {"ladder": "engineering", "months": "3"}, follow=True)
    page = body(response)
    assert "Check-ins on Engineering: every quarter." in page
    assert '<option value="3" selected>Every quarter</option>' in page
    assert "by Hana People" in page
    again = body(client.post(SET, {"ladder": "engineering", "months": "3"}, follow=True))
    assert "Check-ins on Engineering were already every quarter." in again
    client.post(SET, {"ladder": "engineering", "months": ""})
    history = CheckInCadence.objects.filter(ladder=engineering.ladder).order_by("set_at", "pk")
    assert [row.months for row in history] == [3, None]
    # Kept as it was, by the database too.
    with pytest.raises(DatabaseError), transaction.atomic():
        history.update(months=12)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ladder": "engineering", "months": "7"}, "Select a valid choice."),
        ({"ladder": "nope", "months": "3"}, "That ladder is not published: reload the page."),
        ({"ladder": "engineering\x00", "months": "3"}, "Null characters are not allowed."),
        ({"months": "3"}, "This field is required."),
    ],
)
def test_a_refused_cadence_says_why(client_for, engineering, hr, data, message):
    response = client_for(hr).post(SET, data)
    assert response.status_code == 422
    assert message in body(response)
    assert not CheckInCadence.objects.exists()


def seen_on(page, slug):
    """The change a ladder's form on the page says it showed ("" for never set)."""
    found = re.search(rf'name="seen"(?: value="(\d+)")? id="cadence-{slug}-seen"', page)
    assert found, f"no form for {slug}"
    return found.group(1) or ""


def test_a_change_made_by_another_hr_person_after_the_page_loaded_is_not_overwritten(
    client_for, engineering, hr
):
    other = PersonFactory(name="Olu Other", email="olu@example.com", is_hr=True)
    mine = client_for(hr)
    seen = seen_on(body(mine.get(PAGE)), "engineering")
    assert seen == ""
    check_in_cadence_set(ladder=engineering.ladder, months=1, by=other)
    # Sent from the page as it was before Olu's change.
    response = mine.post(SET, {"ladder": "engineering", "months": "12", "seen": seen}, follow=True)
    page = body(response)
    assert (
        "Olu Other set check-ins on Engineering to every month after you opened this page, "
        "so yours (every year) was not saved."
    ) in page
    assert '<option value="1" selected>Every month</option>' in page
    assert [c.months for c in CheckInCadence.objects.order_by("pk")] == [1]
    # Sent again from the page that shows Olu's change: saved.
    again = mine.post(
        SET, {"ladder": "engineering", "months": "12", "seen": seen_on(page, "engineering")}
    )
    assert again.status_code == 302
    assert [c.months for c in CheckInCadence.objects.order_by("pk")] == [1, 12]


def test_a_refused_cadence_is_told_on_its_own_ladders_row(client_for, engineering, hr):
    publish(ladder_data(slug="design", name="Design"))
    response = client_for(hr).post(SET, {"ladder": "design", "months": "7", "seen": ""})
    assert response.status_code == 422
    rows = re.findall(r"<tr>.*?</tr>", body(response), flags=re.S)
    design = next(row for row in rows if ">Design</a></th>" in row)
    engineering_row = next(row for row in rows if ">Engineering</a></th>" in row)
    assert 'id="cadence-design-months_error" role="alert">Select a valid choice.' in design
    # The select says it is invalid and points at the message that says why.
    assert 'aria-invalid="true" aria-describedby="cadence-design-months_error"' in design
    assert "alert" not in engineering_row


def test_only_hr_sees_or_sets_it(client_for, engineering, manager, report):
    for someone in (manager, report):
        assert client_for(someone).get(PAGE).status_code == 404
        assert (
            client_for(someone).post(SET, {"ladder": "engineering", "months": "3"}).status_code
            == 404
        )
    assert not CheckInCadence.objects.exists()


@pytest.fixture
def teams(engineering, manager, director, hr):
    """Max's team: Riya agreed a check-in in May, Bo has one open, Cy has had IC1 since
    January with none agreed (due in April, at a quarterly cadence). Dana's team: Max,
    agreed last October (due since January). Ada, at the top, has no level: not counted."""
    check_in_cadence_set(ladder=engineering.ladder, months=3, by=hr)
    january = datetime(2026, 1, 10, tzinfo=UTC)
    riya = placed(PersonFactory(name="Riya Report", manager=manager), engineering, january)
    bo = placed(PersonFactory(name="Bo Builder", manager=manager), engineering, january)
    placed(PersonFactory(name="Cy Coder", manager=manager), engineering, january)
    placed(manager, engineering, datetime(2025, 9, 1, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 5, 20, tzinfo=UTC), tick=False):
        agreed_check_in(riya, manager, ["meets"] * 3)
        check_in_start(person=bo, by=bo)
    with time_machine.travel(datetime(2025, 10, 1, tzinfo=UTC), tick=False):
        agreed_check_in(manager, director, ["meets"] * 3)


def test_check_ins_per_team_the_most_due_first_then_by_name(client_for, teams, hr):
    with time_machine.travel(NOW, tick=False):
        page = body(client_for(hr).get(PAGE))
    assert (
        "1 of 4 people agreed a check-in in the last 3 months; 1 has one open now and 2 are "
        "due one by their ladder's cadence." in page
    )
    rows = page.split('id="teams"')[1].split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    cells = [[cell.split(">", 1)[1].split("<")[0] for cell in row.split("<td")[1:]] for row in rows]
    # One due in each team: by the manager's name.
    assert "Dana Director</a>'s team" in rows[0]
    assert cells[0] == ["1", "0", "0", ""]  # Max: his October check-in is not within 3 months
    assert '<span class="badge badge-flag">1 due</span>' in rows[0]
    assert "Max Manager</a>'s team" in rows[1]
    assert cells[1] == ["3", "1", "1", ""]
    assert '<span class="badge badge-flag">1 due</span>' in rows[1]
    with time_machine.travel(NOW, tick=False):
        year = body(client_for(hr).get(PAGE, {"within": "12"}))
    assert "2 of 4 people agreed a check-in in the last 12 months" in year
    with time_machine.travel(NOW, tick=False):
        mangled = client_for(hr).get(PAGE, {"within": "7\x00", "page": "-1"})
    assert mangled.status_code == 200
    assert "in the last 3 months" in body(mangled)


def test_the_teams_download_as_safe_csv(client_for, teams, hr, manager):
    manager.name = "=HYPERLINK(1)"
    manager.save()
    with time_machine.travel(NOW, tick=False):
        response = client_for(hr).get(PAGE, {"download": "teams", "within": "6"})
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8, said so to Excel
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Team,People,Agreed in 6 months,Open now,Due"
    assert lines[1] == "'=HYPERLINK(1),3,1,1,1"


def test_the_page_reads_a_fixed_number_of_queries(client_for, teams, hr, engineering, top):
    client = client_for(hr)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    before = count()
    for n in range(4):
        boss = PersonFactory(name=f"Boss {n}", manager=top)
        for m in range(3):
            placed(
                PersonFactory(name=f"Mate {n}{m}", manager=boss),
                engineering,
                NOW - timedelta(days=400),
            )
    # The ladders and their cadences; each ladder's cadence now, then the teams'
    # counts with their managers (4).
    assert count() == before == SIGNED_IN + 4
