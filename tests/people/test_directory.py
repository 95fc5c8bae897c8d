import uuid

import pytest
from django.utils import timezone

from people.models import Person
from tests.builders import SIGNED_IN
from tests.factories import PersonFactory


def names_on(response):
    return [person.name for person in response.context["page"].object_list]


def test_hr_sees_everyone(client_for, hr, report, outsider):
    response = client_for(hr).get("/people/")
    assert response.status_code == 200
    assert set(names_on(response)) == {
        "Hana People",
        "Ada Top",
        "Dana Director",
        "Max Manager",
        "Riya Report",
        "Otto Elsewhere",
        "Olga Outsider",
    }


def test_a_manager_sees_their_chain_and_whole_tree_but_not_other_branches(
    client_for, manager, report, outsider
):
    deeper = PersonFactory(name="Deep Report", manager=report)
    response = client_for(manager).get("/people/")
    assert set(names_on(response)) == {
        "Ada Top",
        "Dana Director",
        "Max Manager",
        "Riya Report",
        deeper.name,
    }


def test_an_engineer_sees_themselves_and_their_management_chain(client_for, report, outsider):
    peer = PersonFactory(name="Pat Peer", manager=report.manager)
    response = client_for(report).get("/people/")
    assert set(names_on(response)) == {"Ada Top", "Dana Director", "Max Manager", "Riya Report"}
    assert peer.name not in names_on(response)


def test_the_list_is_ordered_by_name_whatever_the_case(client_for, hr):
    PersonFactory(name="bea lower")
    PersonFactory(name="Ann Upper")
    PersonFactory(name="Carl Upper")
    assert names_on(client_for(hr).get("/people/")) == [
        "Ann Upper",
        "bea lower",
        "Carl Upper",
        "Hana People",
    ]


def test_search_matches_part_of_a_name_or_email_in_any_case(client_for, hr, report, outsider):
    client = client_for(hr)
    assert names_on(client.get("/people/", {"q": "RIYA"})) == ["Riya Report"]
    assert names_on(client.get("/people/", {"q": "olga@"})) == ["Olga Outsider"]
    assert set(names_on(client.get("/people/", {"q": "o"}))) >= {"Otto Elsewhere", "Ada Top"}


def test_search_never_reveals_people_outside_what_one_may_see(client_for, report, outsider):
    response = client_for(report).get("/people/", {"q": "olga"})
    assert names_on(response) == []
    assert "Olga" not in response.content.decode()


@pytest.mark.parametrize("query", ["a\x00b", "x" * 101])
def test_a_search_that_cannot_be_run_lists_everyone_visible(client_for, hr, report, query):
    client = client_for(hr)
    response = client.get("/people/", {"q": query})
    assert response.status_code == 200
    assert names_on(response) == names_on(client.get("/people/"))
    assert len(names_on(response)) == 5  # Ada, Dana, Hana, Max, Riya


def test_a_search_with_no_match_says_so(client_for, hr):
    response = client_for(hr).get("/people/", {"q": "zzz-nobody"})
    body = response.content.decode()
    assert "0 people match “zzz-nobody”." in body
    assert "Nobody you can see matches “zzz-nobody”" in body


def test_the_directory_is_paginated(client_for, hr, settings):
    settings.PEOPLE_PAGE_SIZE = 10
    PersonFactory.create_batch(14)
    client = client_for(hr)
    first = client.get("/people/")
    assert len(names_on(first)) == 10
    assert "Page 1 of 2" in first.content.decode()
    assert 'rel="next"' in first.content.decode()
    second = client.get("/people/", {"page": 2})
    assert len(names_on(second)) == 5
    assert not set(names_on(first)) & set(names_on(second))
    assert names_on(client.get("/people/", {"page": "nonsense"})) == names_on(first)
    assert names_on(client.get("/people/", {"page": 99})) == names_on(second)


def test_pagination_links_keep_the_search(client_for, hr, settings):
    settings.PEOPLE_PAGE_SIZE = 2
    for n in range(3):
        PersonFactory(name=f"Sam Searched {n}")
    body = client_for(hr).get("/people/", {"q": "sam searched"}).content.decode()
    assert 'href="?q=sam%20searched&amp;page=2"' in body


def test_an_htmx_search_gets_only_the_results_fragment(client_for, hr, report):
    response = client_for(hr).get("/people/", {"q": "riya"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "<h1" not in body
    assert 'id="directory-results"' in body
    assert "Riya Report" in body
    # The count is refilled out of band into the live region that stays in the page.
    assert 'id="result-count" hx-swap-oob="innerHTML"' in body
    assert "1 person matches “riya”." in body
    assert response["Vary"] == "HX-Request, Cookie"


def test_a_full_page_load_varies_on_htmx_too(client_for, hr):
    response = client_for(hr).get("/people/")
    assert "HX-Request" in response["Vary"]
    assert "<h1>People</h1>" in response.content.decode()


def test_names_are_escaped(client_for, hr):
    PersonFactory(name="<script>alert(1)</script>")
    body = client_for(hr).get("/people/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_directory_refuses_post(client_for, hr):
    assert client_for(hr).post("/people/").status_code == 405


def _grow_organisation(count, under):
    managers = PersonFactory.create_batch(3, manager=under)
    for n in range(count):
        PersonFactory(manager=managers[n % 3])


@pytest.mark.parametrize("viewer", ["hr", "top"])
def test_the_directory_runs_a_fixed_number_of_queries(
    request, client_for, django_assert_num_queries, viewer
):
    person = request.getfixturevalue(viewer)
    client = client_for(person)
    under = None if person.is_hr else person
    _grow_organisation(5, under)
    # Any signed-in request; the count and the page of people.
    with django_assert_num_queries(SIGNED_IN + 2):
        client.get("/people/", {"q": "e"})
    _grow_organisation(40, under)
    with django_assert_num_queries(SIGNED_IN + 2):
        response = client.get("/people/", {"q": "e"})
    assert len(response.context["page"].object_list) > 5


def test_a_person_page_shows_the_chain_top_down_and_direct_reports(client_for, hr, manager, report):
    response = client_for(hr).get(f"/people/{manager.uid}/")
    assert response.status_code == 200
    assert [p.name for p in response.context["chain"]] == ["Ada Top", "Dana Director"]
    assert [p.name for p in response.context["reports"]] == ["Riya Report"]
    body = response.content.decode()
    assert body.index("Ada Top") < body.index("Dana Director") < body.index("Riya Report")


def test_a_manager_may_open_anyone_in_their_tree_and_chain(client_for, director, report, top):
    client = client_for(director)
    assert client.get(f"/people/{report.uid}/").status_code == 200
    assert client.get(f"/people/{top.uid}/").status_code == 200


def test_someone_outside_what_one_may_see_is_a_404(client_for, report, outsider):
    peer = PersonFactory(manager=report.manager)
    client = client_for(report)
    assert client.get(f"/people/{outsider.uid}/").status_code == 404
    assert client.get(f"/people/{peer.uid}/").status_code == 404


def test_an_unknown_person_is_a_404(client_for, hr):
    assert client_for(hr).get(f"/people/{uuid.uuid4()}/").status_code == 404


def test_a_person_page_refuses_post(client_for, hr, report):
    assert client_for(hr).post(f"/people/{report.uid}/").status_code == 405


def test_a_person_page_runs_a_fixed_number_of_queries(
    client_for, hr, manager, django_assert_num_queries
):
    PersonFactory.create_batch(3, manager=manager)
    client = client_for(hr)
    # Any signed-in request; the person, their chain, the reporting-tree size, the
    # reports, their level history, the levels HR may give. HR's nomination rights need
    # no query.
    with django_assert_num_queries(SIGNED_IN + 6):
        client.get(f"/people/{manager.uid}/")
    PersonFactory.create_batch(20, manager=manager)
    with django_assert_num_queries(SIGNED_IN + 6):
        client.get(f"/people/{manager.uid}/")


def test_home_greets_a_manager_with_their_team_size(client_for, director, report):
    body = client_for(director).get("/").content.decode()
    assert "Hello, Dana Director" in body
    assert "1 direct report, 2 people in your reporting tree." in body


def test_home_shows_hr_the_organisation_and_the_import(client_for, hr, report):
    body = client_for(hr).get("/").content.decode()
    assert "5 people in the app." in body
    assert 'href="/people/import/"' in body
    # Who left is not counted (README, "Who is counted").
    Person.objects.filter(pk=report.pk).update(left_at=timezone.now())
    body = client_for(hr).get("/").content.decode()
    assert "4 people in the app." in body
    assert 'href="/people/import/"' in body


def test_an_engineer_sees_no_hr_navigation(client_for, report):
    body = client_for(report).get("/").content.decode()
    assert "/people/import/" not in body
    assert "Your team" not in body


def test_home_tells_someone_without_a_level_why_no_request_is_offered(client_for, report):
    body = client_for(report).get("/").content.decode()
    assert "You have no level on a ladder yet" in body
    assert 'href="/proposals/new/"' not in body


def test_a_manager_finds_nominate_on_their_reports(client_for, director, manager, report):
    nominate = f'href="/proposals/new/?person={report.uid}"'
    # On Max's own page, beside each of his reports; on Riya's page, as its action.
    for client, page in (
        (client_for(manager), f"/people/{manager.uid}/"),
        (client_for(director), f"/people/{manager.uid}/"),  # a skip-level manager too
        (client_for(manager), f"/people/{report.uid}/"),
    ):
        html = client.get(page).content.decode()
        assert nominate in html
        assert client.get(f"/proposals/new/?person={report.uid}").status_code == 200


def test_nobody_is_offered_to_nominate_themselves_or_their_managers(client_for, manager, report):
    riya = client_for(report)
    assert "Nominate" not in riya.get(f"/people/{report.uid}/").content.decode()
    assert "Nominate" not in riya.get(f"/people/{manager.uid}/").content.decode()
    assert riya.get(f"/proposals/new/?person={manager.uid}").status_code == 404
