"""Every model table's rows, copied out once and copied back in for each test that
needs them: for worlds that take seconds to build (the demo organisation) and are
wanted by tests on a live server, whose database is emptied after each test.

Restoring sets ``session_replication_role``, which takes a superuser: the test
database's user is one (``postgres``, as `make database` sets it up)."""

from django.db import connection


class Snapshot:
    """The rows of every model table, as PostgreSQL's COPY writes them."""

    def __init__(self):
        self.rows: dict[str, bytes] = {}

    def __bool__(self):
        return bool(self.rows)

    def take(self):
        with connection.cursor() as cursor:
            for table in _tables():
                with cursor.cursor.copy(f"COPY {_quoted(table)} TO STDOUT") as copy:
                    self.rows[table] = b"".join(copy)

    def restore(self):
        """Put the rows back as they were taken, whatever the tables hold now. The
        primary keys are the snapshot's own: sequences only move forward (a flush
        empties tables, not sequences), so rows made later never collide with them."""
        with connection.cursor() as cursor:
            # As a replica does: no trigger fires and no foreign key is checked while
            # the rows arrive, so the tables' order does not matter and rows that
            # triggers keep (time in level, say) come back as they were.
            cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(f"TRUNCATE {', '.join(_quoted(t) for t in self.rows)}")
                for table, rows in self.rows.items():
                    if rows:
                        with cursor.cursor.copy(f"COPY {_quoted(table)} FROM STDIN") as copy:
                            copy.write(rows)
            finally:
                cursor.execute("SET session_replication_role = DEFAULT")


def _tables():
    # The tables a flush empties: every model's, not django_migrations.
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _quoted(table):
    return connection.ops.quote_name(table)
