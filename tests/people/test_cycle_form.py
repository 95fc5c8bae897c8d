"""Opening a cycle: the calibrator picker finds managers and HR people by name as one
types (htmx) or with "Find" (a plain post that keeps the whole form), and nothing
chosen or typed is lost on an error."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import CalibrationCycle
from tests.builders import SIGNED_IN, ladder_data, publish
from tests.factories import PersonFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
URL = "/cycles/new/"


def body(response):
    return response.content.decode()


def boxes(html):
    """The picker's checkboxes: (uid, checked) in page order."""
    box = r'<input type="checkbox" name="calibrators" value="([0-9a-f-]+)"( checked)?'
    found = re.findall(box, html)
    return [(uid, bool(checked)) for uid, checked in found]


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


@pytest.fixture
def form_data(engineering):
    return {
        "name": "2027 H1",
        "ladder": engineering.ladder.pk,
        "starts_on": "2027-01-04",
        "ends_on": "2027-02-26",
        "effective_on": "2027-04-01",
    }


@pytest.fixture
def leaders(manager, report, hr):
    """Those who may calibrate (Max manages Riya, Hana is HR, Dana and Ada manage), one
    who left and one who manages nobody."""
    gone = PersonFactory(name="Maxine Gone", email="maxine@example.com", is_hr=True)
    gone.left_at = timezone.now()
    gone.save()
    PersonFactory(name="Maxwell Solo", email="maxwell@example.com", manager=manager)
    return manager


def test_typing_a_name_finds_those_who_may_calibrate(client_for, hr, leaders):
    response = client_for(hr).get(URL, {"find": "max"}, **HTMX)
    html = body(response)
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    assert "<h1>" not in html
    # Max manages someone; Maxine left; Maxwell manages nobody and is not HR.
    assert boxes(html) == [(str(leaders.uid), False)]
    assert "Max Manager" in html and "Maxine" not in html and "Maxwell" not in html


def test_those_already_chosen_are_not_found_again(client_for, hr, leaders):
    html = body(client_for(hr).get(URL, {"find": "a", "calibrators": [hr.uid]}, **HTMX))
    found = [uid for uid, _ in boxes(html)]
    assert str(hr.uid) not in found
    assert str(leaders.uid) in found


def test_a_long_list_of_matches_asks_for_more_of_the_name(client_for, hr, top):
    for number in range(13):
        PersonFactory(name=f"Team Lead {number:02}", email=f"lead{number}@example.com", is_hr=True)
    html = body(client_for(hr).get(URL, {"find": "team lead"}, **HTMX))
    assert len(boxes(html)) == 12
    assert "Team Lead 00" in html and "Team Lead 11" in html and "Team Lead 12" not in html
    assert "More people match “team lead”: type more of the name." in html


def test_a_name_nobody_has_says_so(client_for, hr, leaders):
    html = body(client_for(hr).get(URL, {"find": "zzz"}, **HTMX))
    assert boxes(html) == []
    assert "Nobody else who can calibrate matches “zzz”." in html


@pytest.mark.parametrize("text", ["max\x00", "m" * 101, "a\tb", ""])
def test_text_that_cannot_be_a_name_finds_nobody(client_for, hr, leaders, text):
    response = client_for(hr).get(URL, {"find": text}, **HTMX)
    assert response.status_code == 200
    assert boxes(body(response)) == []


def test_finding_reads_one_query_beyond_the_signed_in_page(
    client_for, hr, leaders, django_assert_num_queries
):
    client = client_for(hr)
    for number in range(20):
        PersonFactory(name=f"Lead {number}", email=f"l{number}@example.com", is_hr=True)
    with django_assert_num_queries(SIGNED_IN + 1):  # the matches
        client.get(URL, {"find": "lead", "calibrators": [hr.uid]}, **HTMX)


def test_find_without_javascript_keeps_the_form_and_opens_nothing(
    client_for, hr, leaders, form_data
):
    data = form_data | {"calibrators": [hr.uid], "find": "max", "action": "find"}
    response = client_for(hr).post(URL, data)
    html = body(response)
    assert response.status_code == 200
    assert not CalibrationCycle.objects.exists()
    assert 'value="2027 H1"' in html and 'value="2027-04-01"' in html
    assert boxes(html) == [(str(hr.uid), True), (str(leaders.uid), False)]
    assert "field-error" not in html and "form-errors" not in html


def test_ticking_found_people_opens_the_cycle_with_them(client_for, hr, leaders, form_data):
    data = form_data | {"calibrators": [hr.uid, leaders.uid], "find": "max", "action": "open"}
    response = client_for(hr).post(URL, data)
    cycle = CalibrationCycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:cycle", args=[cycle.uid])
    assert set(cycle.calibrators.all()) == {hr, leaders}


def test_a_refused_cycle_keeps_who_was_chosen(client_for, hr, leaders, form_data):
    data = form_data | {"ends_on": "2026-12-01", "calibrators": [hr.uid, leaders.uid]}
    response = client_for(hr).post(URL, data)
    html = body(response)
    assert response.status_code == 422
    assert "The cycle must end on or after the day it starts." in html
    assert sorted(boxes(html)) == sorted([(str(hr.uid), True), (str(leaders.uid), True)])


@pytest.mark.parametrize(
    ("calibrators", "message"),
    [
        ([], "Choose at least one calibrator: find them by name below."),
        (["12"], "Choose calibrators from the people found by name."),
        (["not-a-uuid\x00"], "Choose calibrators from the people found by name."),
    ],
)
def test_calibrators_must_be_chosen_from_those_found(
    client_for, hr, leaders, form_data, calibrators, message
):
    response = client_for(hr).post(URL, form_data | {"calibrators": calibrators})
    assert response.status_code == 422
    assert message in body(response)
    assert not CalibrationCycle.objects.exists()


def test_someone_who_left_since_being_found_cannot_calibrate(client_for, hr, leaders, form_data):
    leaders.left_at = timezone.now()
    leaders.save()
    response = client_for(hr).post(URL, form_data | {"calibrators": [hr.uid, leaders.uid]})
    assert response.status_code == 422
    assert "Someone chosen can no longer calibrate" in body(response)
    assert boxes(body(response)) == [(str(hr.uid), True)]
    assert not CalibrationCycle.objects.exists()
