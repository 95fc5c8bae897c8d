"""Settings for career-ladders, read from the environment (see .env.example).

Production is the default: DEBUG is off unless set, and without DEBUG the app
refuses to start on a missing or weak SECRET_KEY or an empty ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

from config.env import (
    check_allowed_hosts,
    check_database_url,
    check_secret_key,
    read_bool,
    read_int,
)

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Values already in the environment win over the file, so containers and CI
# can override what a developer's .env says. ENV_FILE names another file.
ENV_FILE = Path(env.str("ENV_FILE", default=str(BASE_DIR / ".env")))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE, overwrite=False)

DEBUG = read_bool(env, "DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
if DEBUG:
    SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-used-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    check_secret_key(SECRET_KEY)
    check_allowed_hosts(ALLOWED_HOSTS)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Indexes with operator classes on expressions (people.Person search) need it.
    "django.contrib.postgres",
    "django_htmx",
    "template_partials",
    "csp",
    "pgtrigger",
    "axes",
    "ladders",
    "people",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that reads the body (CSRF reads POST data).
    "config.body_limit.BodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.sessions.ErrorSparingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "config.caching.PrivateResponsesMiddleware",
    "people.middleware.CurrentPersonMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "config.htmx.HtmxSignInRedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% partialdef %} everywhere without {% load %}, as in Django 6.
            "builtins": [
                "template_partials.templatetags.partials",
                "config.links",
                "config.durations",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.context_processors.csp_nonce",
                "people.context_processors.current_person_context",
            ],
        },
    },
]

# Each process keeps what it rendered of what never changes (a published ladder
# version's grid: the database refuses any change to it) in its own memory; nothing
# kept can go stale, so no server needs to tell another to forget it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/career_ladders"
    )
}
check_database_url(DATABASES["default"])
DATABASES["default"]["CONN_MAX_AGE"] = read_int(env, "DATABASE_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Django reads a form's model choices through a server-side cursor: DECLARE, FETCH and
# CLOSE, three round trips for a handful of ladders. Nothing here streams a result too
# large to hold, so one round trip does; it also works behind a transaction-pooling
# PgBouncer, where a cursor cannot outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# A database that stops answering without refusing (a partition) must cost a request
# seconds, not a worker: libpq gives up connecting after connect_timeout (2 s at
# least), and the kernel drops a kept-open connection whose sent data goes
# unacknowledged for tcp_user_timeout, or which stays silent to keepalive probes.
# (A server-side statement_timeout cannot help: the server never sees the query.)
DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    "connect_timeout": read_int(env, "DATABASE_CONNECT_TIMEOUT_SECONDS", 3, minimum=2),
    "tcp_user_timeout": 1000 * read_int(env, "DATABASE_TCP_USER_TIMEOUT_SECONDS", 5, minimum=1),
    "keepalives": 1,
    "keepalives_idle": read_int(env, "DATABASE_KEEPALIVE_IDLE_SECONDS", 30, minimum=1),
    "keepalives_interval": read_int(env, "DATABASE_KEEPALIVE_INTERVAL_SECONDS", 5, minimum=1),
    "keepalives_count": 3,
    # PostgreSQL compiles a query whose plan looks expensive (a company-wide report) to
    # machine code first: 40 ms and more each time, for queries that run in less.
    "options": "-c jit=off",
}
# /healthz opens its own connection and gives up after this long (2 s at least).
HEALTH_CHECK_TIMEOUT_SECONDS = read_int(env, "HEALTH_CHECK_TIMEOUT_SECONDS", 3, minimum=2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated failed sign-ins lock that account from that address for a while
# (django-axes); the first backend refuses a locked-out attempt before any check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's person with the user (one query).
    "people.auth.PersonBackend",
]
AXES_FAILURE_LIMIT = read_int(env, "LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=read_int(env, "LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a load balancer every request comes from its address: the lockout keys on
# the client's address from X-Forwarded-For instead, trusting only the entries the
# TRUSTED_PROXY_COUNT proxies in front of the app appended (0: no proxy, the
# connection's address). django-ipware, which axes would use, is not installed.
TRUSTED_PROXY_COUNT = read_int(env, "TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "people:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many idle seconds: a request pushes the expiry on, once a
# minute at most (config/sessions.py), not by saving the session on every request.
SESSION_COOKIE_AGE = read_int(env, "SESSION_IDLE_SECONDS", 8 * 60 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# HTTPS: on by default outside DEBUG. Behind a proxy that terminates TLS, set
# BEHIND_TLS_PROXY so Django trusts its X-Forwarded-Proto header.
HTTPS_ONLY = read_bool(env, "HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
# Load balancers probe over plain HTTP and count a redirect as a failure.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = read_int(env, "HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
if read_bool(env, "BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Scripts run only from our own origin or with this response's nonce; styles
# only from our own files (htmx's injected indicator styles are turned off in
# the base template and live in app.css instead).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25"
)
EMAIL_BACKEND = EMAIL_CONFIG["EMAIL_BACKEND"]
EMAIL_HOST = EMAIL_CONFIG.get("EMAIL_HOST", "localhost")
EMAIL_PORT = EMAIL_CONFIG.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = EMAIL_CONFIG.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = EMAIL_CONFIG.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = EMAIL_CONFIG.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = EMAIL_CONFIG.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = read_int(env, "EMAIL_TIMEOUT_SECONDS", 10, minimum=1)
# The app's public address, for links in mail (no trailing slash).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Career ladders <ladders@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

PEOPLE_PAGE_SIZE = read_int(env, "PEOPLE_PAGE_SIZE", 25, minimum=1)
# Breakdowns by people's attributes hide any group smaller than this.
INSIGHTS_MIN_GROUP = read_int(env, "INSIGHTS_MIN_GROUP", 5, minimum=2)
