import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from people.models import OutgoingEmail
from people.services.people_import import people_import
from tests.factories import PASSWORD, UserFactory


@pytest.mark.parametrize("url", ["/", "/people/", "/people/import/", "/accounts/password/"])
def test_every_page_requires_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_the_login_page_needs_no_sign_in(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'<label for="id_username">Email</label>' in response.content


def test_signing_in_with_the_work_email_in_any_case(client, report):
    response = client.post(
        "/accounts/login/", {"username": "  RIYA@Example.com ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, report):
    response = client.post("/accounts/login/", {"username": report.email, "password": "nope"})
    assert response.status_code == 200
    assert b"That email and password do not match an account." in response.content
    assert SESSION_KEY not in client.session


def test_sign_in_gives_a_new_session(client, report):
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    client.post("/accounts/login/", {"username": report.email, "password": PASSWORD})
    assert client.session.session_key != before


def test_sign_out_is_a_post_and_ends_the_session(client_for, report):
    client = client_for(report)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302
    assert not Session.objects.exists()


def test_sign_out_needs_the_csrf_token(report):
    client = Client(enforce_csrf_checks=True)
    client.force_login(report.user)
    assert client.post("/accounts/logout/").status_code == 403
    assert client.get("/").status_code == 200


def test_an_idle_session_expires(client_for, report):
    client = client_for(report)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_request_pushes_the_idle_expiry_on_once_a_minute(client_for, report, settings):
    client = client_for(report)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=soon)
    # Within a minute of signing in: nothing written.
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == soon
    later = timezone.now() + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        assert client.get("/").status_code == 200
    renewed = Session.objects.get().expire_date
    assert renewed == later + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # And not again within the minute after.
    with time_machine.travel(later + timedelta(seconds=50), tick=False):
        assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == renewed


def test_changing_the_password(client_for, report):
    client = client_for(report)
    assert client.get("/accounts/password/").status_code == 200
    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-and-long-passphrase",
            "new_password2": "a-new-and-long-passphrase",
        },
    )
    assert response.status_code == 302
    report.user.refresh_from_db()
    assert report.user.check_password("a-new-and-long-passphrase")


def test_a_wrong_old_password_is_shown_next_to_its_field(client_for, report):
    response = client_for(report).post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "x-long-pass-1",
            "new_password2": "x-long-pass-1",
        },
    )
    assert response.status_code == 200
    assert b'id="id_old_password_error"' in response.content
    assert b'aria-invalid="true"' in response.content


def test_an_imported_person_can_set_a_first_password_by_email(
    client, db, django_capture_on_commit_callbacks
):
    people_import(data=b"email,name\nnew.person@example.com,New Person\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "New.Person@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert OutgoingEmail.objects.get().sent_at is not None


def test_a_reset_link_waits_in_the_outbox_while_the_mail_server_is_down(
    client, report, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_auth.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": report.email})
    assert response.status_code == 302
    waiting = OutgoingEmail.objects.get()
    assert (waiting.to, waiting.sent_at, waiting.attempts) == (report.email, None, 1)
    assert "Connection refused" in waiting.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("send_pending_mail")
    assert [m.to for m in mail.outbox] == [[report.email]]
    link = re.search(r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body)
    assert link
    assert client.get(link.group(), follow=True).status_code == 200
    assert "\n" not in mail.outbox[0].subject


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("Connection refused")


def test_no_mail_for_an_unknown_address_and_the_page_does_not_tell(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_account_without_a_person_is_told_to_ask_hr(client, db):
    user = UserFactory(username="admin@example.com")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert b"not linked to a person" in response.content


def test_repeated_failed_sign_ins_lock_the_account_from_that_address(client, report, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": report.email, "password": "guess"})
    response = client.post("/accounts/login/", {"username": report.email, "password": PASSWORD})
    assert response.status_code == 429
    body = response.content.decode()
    assert "<h1>Too many attempts</h1>" in body
    assert "locked from here for 15 minutes" in body
    assert SESSION_KEY not in client.session
    # The same account from another address is not locked out by someone else's guesses.
    elsewhere = Client(REMOTE_ADDR="127.0.0.2")
    ok = elsewhere.post("/accounts/login/", {"username": report.email, "password": PASSWORD})
    assert ok.status_code == 302


def test_a_successful_sign_in_resets_the_failures(client, report, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        client.post("/accounts/login/", {"username": report.email, "password": "guess"})
    client.post("/accounts/login/", {"username": report.email, "password": PASSWORD})
    client.post("/accounts/logout/")
    for _ in range(2):
        client.post("/accounts/login/", {"username": report.email, "password": "guess"})
    response = client.post("/accounts/login/", {"username": report.email, "password": PASSWORD})
    assert response.status_code == 302


def lock_out(client, email, limit):
    for _ in range(limit):
        client.post("/accounts/login/", {"username": email, "password": "guess"})


def signs_in(client, email) -> bool:
    return (
        client.post("/accounts/login/", {"username": email, "password": PASSWORD}).status_code
        == 302
    )


BALANCER = "10.0.0.1"


def test_behind_a_proxy_the_lockout_keys_on_the_client_not_the_balancer(report, settings):
    """Everyone arrives from the load balancer's address: one person's guesses must not
    lock the account for everyone else."""
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    guesser = Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="203.0.113.5")
    lock_out(guesser, report.email, 3)
    assert not signs_in(guesser, report.email)
    owner = Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert signs_in(owner, report.email)


def test_behind_a_proxy_a_forged_forwarded_for_does_not_escape_the_lockout(report, settings):
    # The balancer appends the address it saw; what the client wrote stands to its left.
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    lock_out(
        Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"),
        report.email,
        3,
    )
    forged = Client(REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="192.0.2.2, 203.0.113.5")
    assert not signs_in(forged, report.email)


def test_without_a_trusted_proxy_forwarded_for_is_ignored(report, settings):
    # Otherwise a guesser reaching the app directly could pick a new address per guess.
    settings.AXES_FAILURE_LIMIT = 3
    lock_out(Client(HTTP_X_FORWARDED_FOR="203.0.113.5"), report.email, 3)
    assert not signs_in(Client(HTTP_X_FORWARDED_FOR="198.51.100.7"), report.email)
