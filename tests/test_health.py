import json

import pytest

from tests.subprocess_env import production_env, run_manage, run_python


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


def test_pages_answer_a_friendly_503_when_the_database_does_not(tmp_path):
    # A signed-in request (its session is read from the database) to a real app
    # process whose database is unreachable, deployed as production is (static files
    # collected: the error page links the hashed stylesheet).
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "c = Client(raise_request_exception=False);"
        "c.cookies['sessionid'] = 'x' * 32;"
        "r = c.get('/people/');"
        "print(json.dumps({'status': r.status_code, 'retry': r.get('Retry-After'),"
        " 'body': r.content.decode()}))"
    )
    env = production_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        ALLOWED_HOSTS="testserver",
        HTTPS_ONLY="false",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        STATIC_ROOT=str(tmp_path),
    )
    assert run_manage("collectstatic", "--noinput", env=env).returncode == 0
    result = run_python(code, env)
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["retry"] == "30"
    assert "<h1>We will be right back</h1>" in answer["body"]
    assert "Traceback" not in answer["body"]
