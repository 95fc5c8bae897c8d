"""Queries the ORM cannot write: its own SQL, wrapped."""

from django.db import connection


def rows_around(queryset, sql: str) -> list[tuple]:
    """Runs one query: ``sql`` with ``{inner}`` standing for ``queryset``'s own SQL, as
    a subquery to count over or join after (which the ORM can only do by joining back
    by key, reading the table twice). Only SQL the ORM wrote and the tables' own names
    may go into ``sql``: its values travel as the queryset's parameters."""
    inner, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql.format(inner=inner), params)
        return cursor.fetchall()
