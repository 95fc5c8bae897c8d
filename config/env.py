"""Strict readers for environment values.

django-environ quietly turns an unknown boolean such as ``DEBUG=ture`` into False
and lets ``int`` raise a bare ValueError; a misconfigured server should instead
refuse to start and say which variable is wrong and what it expected.
"""

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})

# Django's own check (security.W009) calls a key weak below these figures.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def read_bool(env: environ.Env, name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean: use one of true/false, yes/no, on/off, 1/0."
    )


def read_int(env: environ.Env, name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below its minimum of {minimum}.")
    return value


def check_secret_key(secret_key: str) -> None:
    """Refuse a missing or guessable key outside DEBUG (it signs sessions and tokens)."""
    if not secret_key:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )
    if (
        len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or secret_key.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random "
            "characters (and not a 'django-insecure' development key)."
        )


def check_allowed_hosts(hosts: list[str]) -> None:
    if not hosts:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is empty. List the host names the app answers to, "
            "comma-separated, e.g. ALLOWED_HOSTS=ladders.example.com."
        )


def check_database_url(config: dict) -> None:
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL (postgres://user:password@host:port/name)."
        )
