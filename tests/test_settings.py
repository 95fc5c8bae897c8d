import json
import re

import environ
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from config.env import (
    check_allowed_hosts,
    check_database_url,
    check_secret_key,
    read_bool,
    read_int,
)
from tests.subprocess_env import ROOT, production_env, run_manage, run_python


def env_with(monkeypatch, **values):
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return environ.Env()


@pytest.mark.parametrize("raw", ["ture", "2", "enabled"])
def test_a_boolean_that_is_not_one_refuses_to_start(monkeypatch, raw):
    env = env_with(monkeypatch, DEBUG=raw)
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG=.* is not a boolean"):
        read_bool(env, "DEBUG", default=False)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("On", True), ("0", False)])
def test_booleans_accept_the_usual_words(monkeypatch, raw, expected):
    assert read_bool(env_with(monkeypatch, DEBUG=raw), "DEBUG", default=not expected) is expected


def test_an_unset_boolean_takes_its_default(monkeypatch):
    monkeypatch.delenv("DEBUG", raising=False)
    assert read_bool(environ.Env(), "DEBUG", default=False) is False


def test_a_number_that_is_not_one_refuses_to_start(monkeypatch):
    env = env_with(monkeypatch, SESSION_IDLE_SECONDS="8h")
    with pytest.raises(ImproperlyConfigured, match="SESSION_IDLE_SECONDS='8h' is not a whole"):
        read_int(env, "SESSION_IDLE_SECONDS", 60)


def test_a_number_below_its_minimum_refuses_to_start(monkeypatch):
    env = env_with(monkeypatch, SESSION_IDLE_SECONDS="5")
    with pytest.raises(ImproperlyConfigured, match="below its minimum of 60"):
        read_int(env, "SESSION_IDLE_SECONDS", 600, minimum=60)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("", "SECRET_KEY is not set"),
        ("short-key", "SECRET_KEY is too weak"),
        ("a" * 60, "SECRET_KEY is too weak"),
        ("django-insecure-" + "x1y2z3" * 10, "SECRET_KEY is too weak"),
    ],
)
def test_a_missing_or_weak_secret_key_is_refused(key, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        check_secret_key(key)


def test_a_strong_secret_key_is_accepted():
    check_secret_key("k3y-" + "abcdefghij" * 5)


def test_empty_allowed_hosts_are_refused():
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS is empty"):
        check_allowed_hosts([])


def test_only_postgresql_is_accepted():
    with pytest.raises(ImproperlyConfigured, match="must point at PostgreSQL"):
        check_database_url(environ.Env.db_url_config("sqlite:///db.sqlite3"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is empty"),
        ({"DEBUG": "ture"}, "DEBUG='ture' is not a boolean"),
        ({"DATABASE_URL": "mysql://root@localhost/app"}, "must point at PostgreSQL"),
    ],
)
def test_the_app_refuses_to_start_on_bad_production_values(overrides, message):
    result = run_manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_mode_starts_without_a_secret_key_or_hosts():
    result = run_manage(
        "check", env=production_env(DEBUG="true", SECRET_KEY=None, ALLOWED_HOSTS=None)
    )
    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_static_files_collect(tmp_path):
    # Hashed, compressed static files: every file a stylesheet or script refers to
    # must exist, or a deployment fails at collectstatic.
    result = run_manage("collectstatic", "--noinput", env=production_env(STATIC_ROOT=str(tmp_path)))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_every_variable_the_settings_read_is_in_the_env_example():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'(?:read_int|read_bool)\(env, "(\w+)"', settings_source))
    names |= set(re.findall(r'env\.\w+\(\s*"(\w+)"', settings_source))
    assert "DATABASE_TCP_USER_TIMEOUT_SECONDS" in names  # the patterns still find them
    listed = set(re.findall(r"^(\w+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    # ENV_FILE names the file itself, so it is described there, not set.
    assert names - listed == {"ENV_FILE"}


def test_database_timeouts_come_from_the_environment():
    code = (
        "import django, json; django.setup();"
        "from django.conf import settings;"
        "o = settings.DATABASES['default']['OPTIONS'];"
        "print(json.dumps([o['connect_timeout'], o['tcp_user_timeout'], o['keepalives_idle'],"
        " o['keepalives_interval'], settings.HEALTH_CHECK_TIMEOUT_SECONDS]))"
    )
    env = production_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_CONNECT_TIMEOUT_SECONDS="4",
        DATABASE_TCP_USER_TIMEOUT_SECONDS="7",
        DATABASE_KEEPALIVE_IDLE_SECONDS="20",
        DATABASE_KEEPALIVE_INTERVAL_SECONDS="2",
        HEALTH_CHECK_TIMEOUT_SECONDS="2",
    )
    result = run_python(code, env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [4, 7000, 20, 2, 2]


def test_the_database_compiles_no_query_to_machine_code(db):
    """JIT costs a company-wide report 40 ms and more before it starts (see settings)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_a_connect_timeout_under_libpqs_floor_refuses_to_start():
    result = run_manage("check", env=production_env(DATABASE_CONNECT_TIMEOUT_SECONDS="1"))
    assert result.returncode != 0
    assert "DATABASE_CONNECT_TIMEOUT_SECONDS=1 is below its minimum of 2" in result.stderr
