import logging
from contextlib import closing

import psycopg
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and uptime checks: 200 when the database answers, 503 when
    not, within HEALTH_CHECK_TIMEOUT_SECONDS even when the database does not answer at
    all."""
    try:
        database_answers_within(settings.HEALTH_CHECK_TIMEOUT_SECONDS)
    except psycopg.Error:
        logger.warning("Health check failed: the database does not answer", exc_info=True)
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


def database_answers_within(seconds: int) -> None:
    """Ask a fresh connection, bounded by the deadline, for ``SELECT 1``; raise if it
    does not answer.

    Not the worker's kept-open connection: a query on it could wait for the kernel
    to give up on a silent server, and a probe should answer whether a request
    arriving now would reach the database. libpq bounds the whole connection
    handshake by connect_timeout; the kernel bounds the query by tcp_user_timeout,
    and the server by statement_timeout should it be slow rather than gone.
    """
    params = connection.get_connection_params()
    params["connect_timeout"] = seconds
    params["tcp_user_timeout"] = seconds * 1000
    params["options"] = f"{params.get('options', '')} -c statement_timeout={seconds * 1000}"
    with closing(connection.get_new_connection(params)) as fresh, fresh.cursor() as cursor:
        cursor.execute("SELECT 1")
