"""The HR page that imports people from a CSV upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from people.models import Person
from people.services.people_import import MAX_BYTES
from tests.factories import UserFactory

URL = reverse("people:import")

GOOD_FILE = (
    b"email,name,manager_email,role\n"
    b"lin@example.com,Lin Chen,hana@example.com,\n"
    b"sam@example.com,Sam Patel,lin@example.com,\n"
)


FILE_REQUIRED = '<small id="id_file_error" class="field-error">This field is required.</small>'


def upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def emails() -> set[str]:
    return set(Person.objects.values_list("email", flat=True))


def test_hr_sees_the_upload_form(client_for, hr):
    response = client_for(hr).get(URL)

    assertContains(response, "<h1>Import people</h1>", html=True)
    assertContains(response, 'enctype="multipart/form-data"')
    assertContains(response, 'type="file" name="file"')
    assertNotContains(response, "nothing was imported")


@pytest.mark.parametrize("persona", ["report", "manager"])
def test_anyone_but_hr_gets_not_found(request, client_for, hr, persona):
    client = client_for(request.getfixturevalue(persona))
    before = emails()

    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": upload(GOOD_FILE)}).status_code == 404
    assert emails() == before


def test_an_account_without_a_person_is_refused(client, hr):
    client.force_login(UserFactory())

    response = client.post(URL, {"file": upload(GOOD_FILE)})

    assert response.status_code == 403
    assert "lin@example.com" not in emails()


def test_anonymous_visitors_are_sent_to_sign_in(client, hr):
    response = client.get(URL)

    assertRedirects(response, f"{reverse('login')}?next={URL}", fetch_redirect_response=False)
    response = client.post(URL, {"file": upload(GOOD_FILE)})
    assert response.status_code == 302
    assert "lin@example.com" not in emails()


def test_put_is_not_allowed(client_for, hr):
    response = client_for(hr).put(URL)

    assert response.status_code == 405


def test_a_good_file_is_imported_and_the_directory_says_so(client_for, hr):
    client = client_for(hr)

    response = client.post(URL, {"file": upload(GOOD_FILE)})

    assertRedirects(response, reverse("people:directory"), fetch_redirect_response=False)
    response = client.get(response.url)
    assertContains(response, "People imported: 2 created, 0 updated, 0 unchanged.")
    assert emails() == {"hana@example.com", "lin@example.com", "sam@example.com"}
    assert Person.objects.get(email="lin@example.com").manager == hr


def test_a_bad_file_lists_every_problem_and_writes_nothing(client_for, hr):
    data = (
        b"email,name,manager_email,role\n"
        b"lin@example.com,Lin Chen,hana@example.com,\n"
        b"sam@example.com,,lin@example.com,\n"
        b"kim@example.com,Kim Lee,,wizard\n"
        b"lin@example.com,Lin Again,,\n"
    )

    response = client_for(hr).post(URL, {"file": upload(data)})

    assertContains(response, "3 problems: nothing was imported", status_code=400)
    for line in (
        "Line 3, name: The name is empty.",
        "Line 4, role: Unknown role &#x27;wizard&#x27;.",
        "Line 5, email: lin@example.com appears again (first on line 2).",
    ):
        assertContains(response, line, status_code=400)
    assert emails() == {"hana@example.com"}


def test_a_problem_found_against_the_organisation_is_shown(client_for, hr):
    data = b"email,name,manager_email\nlin@example.com,Lin Chen,ghost@example.com\n"

    response = client_for(hr).post(URL, {"file": upload(data)})

    assertContains(
        response,
        "Line 2, manager_email: No person with email ghost@example.com in this file or in the app.",
        status_code=400,
    )
    assert emails() == {"hana@example.com"}


def test_text_from_the_file_is_escaped_in_the_problems(client_for, hr):
    data = b"email,name\n<b>x</b>,Bold\n"

    response = client_for(hr).post(URL, {"file": upload(data)})

    assertContains(response, escape("'<b>x</b>' is not a valid email address."), status_code=400)
    assertContains(response, "&lt;b&gt;x&lt;/b&gt;", status_code=400)
    assertNotContains(response, "<b>x</b>", status_code=400)


def test_posting_the_form_without_a_file_shows_an_error_beside_the_field(hr):
    # As a browser posts it: the form's CSRF token and no file.
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr.user)
    client.get(URL)

    response = client.post(URL, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})

    assertContains(response, FILE_REQUIRED, status_code=400, html=True)
    assertNotContains(response, "nothing was imported", status_code=400)


def test_an_empty_post_shows_an_error_beside_the_field(client_for, hr):
    response = client_for(hr).post(URL, {})

    assertContains(response, FILE_REQUIRED, status_code=400, html=True)


def test_an_upload_over_5_mib_is_refused_beside_the_field(client_for, hr):
    data = GOOD_FILE + b" " * (MAX_BYTES + 1 - len(GOOD_FILE))

    response = client_for(hr).post(URL, {"file": upload(data)})

    assertContains(response, f"The file is {MAX_BYTES + 1:,} bytes", status_code=400)
    assert emails() == {"hana@example.com"}


def test_a_post_without_a_csrf_token_is_refused(hr):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr.user)

    response = client.post(URL, {"file": upload(GOOD_FILE)})

    assert response.status_code == 403
    assert emails() == {"hana@example.com"}

    # The same post with the form's token goes through.
    client.get(URL)
    token = client.cookies["csrftoken"].value
    response = client.post(URL, {"file": upload(GOOD_FILE), "csrfmiddlewaretoken": token})
    assertRedirects(response, reverse("people:directory"), fetch_redirect_response=False)


# Taking HR away needs a confirmation, and the file is kept for it

DEMOTES_ME = b"email,name,role\nhana@example.com,Hana People,engineer\n"


def test_a_file_taking_the_importers_own_hr_flag_asks_first_and_keeps_the_file(client_for, hr):
    client = client_for(hr)

    response = client.post(URL, {"file": upload(DEMOTES_ME, "team.csv")})

    assert response.status_code == 400
    assertContains(response, "Confirm before importing team.csv", status_code=400)
    assertContains(response, "Line 2, role: This line takes away your own HR flag", status_code=400)
    assertContains(response, "nobody working here would be HR", status_code=400)
    assertContains(response, 'name="confirm"', status_code=400)
    hr.refresh_from_db()
    assert hr.is_hr

    # Not ticked: asked again, the file still kept.
    response = client.post(URL, {})
    assertContains(response, "Tick the box to import team.csv", status_code=400)

    response = client.post(URL, {"confirm": "on"})

    assertRedirects(response, reverse("people:directory"), fetch_redirect_response=False)
    hr.refresh_from_db()
    assert not hr.is_hr


def test_a_new_file_instead_of_the_kept_one_is_checked_afresh(client_for, hr):
    client = client_for(hr)
    client.post(URL, {"file": upload(DEMOTES_ME)})

    response = client.post(URL, {"file": upload(GOOD_FILE), "confirm": "on"})

    assertRedirects(response, reverse("people:directory"), fetch_redirect_response=False)
    assert "lin@example.com" in emails()
    # The kept file was forgotten: a bare confirmation now asks for a file.
    response = client.post(URL, {"confirm": "on"})
    assertContains(response, FILE_REQUIRED, status_code=400)
    hr.refresh_from_db()
    assert hr.is_hr
