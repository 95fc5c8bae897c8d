import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import time

import pytest
from django.db import connection

from tests.subprocess_env import ROOT, production_env, run_manage, run_python
from tests.tcp_proxy import TcpProxy


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
def test_healthz_answers_plain_http_when_https_is_enforced():
    # Production settings (HTTPS_ONLY by default), asked over plain HTTP.
    code = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "c = Client();"
        "print(json.dumps([c.get(p).status_code for p in ('/healthz', '/people/')]))"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="config.settings", ALLOWED_HOSTS="testserver")
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200, 301]


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


@pytest.fixture
def start_app_server(transactional_db, settings, tmp_path):
    """Starts a real gunicorn app process whose database sits behind a proxy the test
    can cut or hang, with the given environment values. The test's sessions are signed
    with the server's key, so it can sign in as anyone."""
    started = []

    def start(**env_values):
        db = settings.DATABASES["default"]
        proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
        proxy.start()
        settings.SECRET_KEY = secrets.token_urlsafe(50)
        port = free_port()
        env = production_env(
            SECRET_KEY=settings.SECRET_KEY,
            ALLOWED_HOSTS="127.0.0.1",
            HTTPS_ONLY="false",
            STATIC_ROOT=str(tmp_path),
            DATABASE_URL=f"postgres://{db['USER']}@127.0.0.1:{proxy.port}/{db['NAME']}",
            **env_values,
        )
        # Deployed as production is: static files collected (the pages link hashed names).
        assert run_manage("collectstatic", "--noinput", env=env).returncode == 0
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append((server, proxy))
        base = ("127.0.0.1", port)
        deadline = time.monotonic() + 30
        while get(base, "/healthz")[0] != 200:
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        return base, proxy

    yield start
    for server, proxy in started:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a worker stuck on the database
            server.kill()
            server.wait()
        server.stderr.close()
        proxy.stop()


@pytest.fixture
def app_server(start_app_server):
    return start_app_server()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(server, path, cookie=""):
    """Status and body of a GET to the app server, redirects not followed."""
    connection = http.client.HTTPConnection(*server, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        return response.status, response.read().decode()
    except ConnectionError:
        return None, ""
    finally:
        connection.close()


def test_the_app_serves_again_without_a_restart_when_the_database_comes_back(
    app_server, client, report
):
    base, proxy = app_server
    client.force_login(report.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert get(base, "/people/", cookie)[0] == 200

    proxy.stop()
    assert get(base, "/healthz")[0] == 503
    status, body = get(base, "/people/", cookie)
    assert status == 503
    assert "<h1>We will be right back</h1>" in body

    proxy.start()
    assert get(base, "/healthz")[0] == 200
    status, body = get(base, "/people/", cookie)
    assert status == 200
    assert report.name in body


def test_a_silent_database_costs_a_request_seconds_not_a_worker(start_app_server, client, report):
    """A partition: PostgreSQL neither answers nor refuses. The health check gives up
    at its own deadline and a page once libpq's connect_timeout has passed, far inside
    gunicorn's 30 s worker timeout; once the network heals, the workers serve again.

    Each request opens its own connection here (DATABASE_CONN_MAX_AGE=0): a kept-open
    connection is the kernel's to give up on (tcp_user_timeout, keepalives), and this
    proxy's kernel acknowledges every packet, so no user-space proxy can stage that
    part; test_kept_open_connections_ask_the_kernel_to_drop_a_silent_server holds it."""
    base, proxy = start_app_server(
        DATABASE_CONN_MAX_AGE="0",
        DATABASE_CONNECT_TIMEOUT_SECONDS="2",
        HEALTH_CHECK_TIMEOUT_SECONDS="2",
    )
    client.force_login(report.user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    assert get(base, "/people/", cookie)[0] == 200

    proxy.hang()
    started = time.monotonic()
    assert get(base, "/healthz")[0] == 503
    assert time.monotonic() - started < 3.5
    started = time.monotonic()
    status, body = get(base, "/people/", cookie)
    assert status == 503
    assert "<h1>We will be right back</h1>" in body
    # One wait for the database (2 s), not one per thing that asks it for the session.
    assert time.monotonic() - started < 3.5

    proxy.heal()
    assert get(base, "/healthz")[0] == 200
    assert get(base, "/people/", cookie)[0] == 200


@pytest.mark.django_db
def test_kept_open_connections_ask_the_kernel_to_drop_a_silent_server(settings):
    """What bounds a query on a kept-open connection when the server vanishes: the
    socket's TCP user timeout and keepalive probes, as the environment sets them."""
    options = settings.DATABASES["default"]["OPTIONS"]
    connection.ensure_connection()
    with socket.socket(fileno=os.dup(connection.connection.pgconn.socket)) as sock:
        if sock.family == socket.AF_UNIX:
            pytest.skip("the test database is reached through a Unix socket, not TCP")
        tcp = {
            "tcp_user_timeout": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT),
            "keepalives": sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE),
            "keepalives_idle": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE),
            "keepalives_interval": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL),
            "keepalives_count": sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT),
        }
    assert tcp == {name: options[name] for name in tcp}


def test_an_htmx_request_after_the_session_ended_is_sent_to_sign_in_as_a_page(client, db):
    """Not a 302 that htmx would follow and swap the sign-in page into a fragment."""
    response = client.get("/people/?q=riya", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=/people/%3Fq%3Driya"
    assert response.content == b""
    plain = client.get("/people/?q=riya")
    assert (plain.status_code, plain["Location"]) == (302, response["HX-Redirect"])
