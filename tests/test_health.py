import json

import pytest

from tests.subprocess_env import production_env, run_python


@pytest.mark.django_db
def test_healthz_answers_200_without_sign_in_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not():
    # A real app process pointed at a port where no PostgreSQL listens.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    result = run_python(
        code,
        production_env(
            DJANGO_SETTINGS_MODULE="config.settings",
            ALLOWED_HOSTS="testserver",
            HTTPS_ONLY="false",
            DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        ),
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer == {"status": 503, "body": {"status": "unavailable", "database": "down"}}


@pytest.mark.django_db
def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405
