from django.test import Client

from people.models import Person


def url(person):
    return f"/people/{person.uid}/manager/"


def test_hr_sees_the_change_manager_form_with_the_current_manager(client_for, hr, report):
    body = client_for(hr).get(f"/people/{report.uid}/").content.decode()
    assert f'action="{url(report)}"' in body
    assert 'value="max@example.com"' in body


def test_others_see_no_change_manager_form(client_for, manager, report):
    body = client_for(manager).get(f"/people/{report.uid}/").content.decode()
    assert url(report) not in body


def test_hr_moves_a_person_to_another_manager(client_for, hr, report, outsider):
    client = client_for(hr)
    response = client.post(url(report), {"manager_email": "OTTO@example.com"}, follow=True)
    assert response.redirect_chain == [(f"/people/{report.uid}/", 302)]
    assert "Riya Report now reports to Otto Elsewhere." in response.content.decode()
    report.refresh_from_db()
    assert report.manager.email == "otto@example.com"


def test_an_empty_manager_puts_the_person_at_the_top(client_for, hr, report):
    response = client_for(hr).post(url(report), {"manager_email": ""}, follow=True)
    assert "Riya Report now reports to nobody." in response.content.decode()
    report.refresh_from_db()
    assert report.manager is None


def test_a_cycle_is_refused_next_to_the_field_and_nothing_changes(client_for, hr, top, report):
    response = client_for(hr).post(url(top), {"manager_email": report.email})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_manager_email_error"' in body
    assert "Riya Report already reports to Ada Top" in body
    top.refresh_from_db()
    assert top.manager is None


def test_an_unknown_email_is_refused_with_a_message(client_for, hr, report):
    response = client_for(hr).post(url(report), {"manager_email": "ghost@example.com"})
    assert response.status_code == 422
    assert "Nobody in the app has the email ghost@example.com." in response.content.decode()
    assert Person.objects.get(pk=report.pk).manager.name == "Max Manager"


def test_a_manager_who_can_see_the_person_may_not_change_their_manager(
    client_for, director, report, outsider
):
    response = client_for(director).post(url(report), {"manager_email": outsider.email})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.manager.name == "Max Manager"


def test_someone_who_cannot_see_the_person_gets_a_404(client_for, outsider, report):
    assert client_for(outsider).post(url(report), {"manager_email": ""}).status_code == 404


def test_changing_a_manager_is_a_post(client_for, hr, report):
    assert client_for(hr).get(url(report)).status_code == 405


def test_changing_a_manager_needs_the_csrf_token(hr, report):
    client = Client(enforce_csrf_checks=True)
    client.force_login(hr.user)
    assert client.post(url(report), {"manager_email": ""}).status_code == 403
    report.refresh_from_db()
    assert report.manager is not None
