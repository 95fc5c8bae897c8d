import django.contrib.postgres.indexes
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_personattribute"),
    ]

    # The directory's search and the calibration queue's name filter match part of
    # a name or email in any case: UPPER(name) LIKE '%TEXT%'. No b-tree serves a
    # leading wildcard, so at 10,000 people each search read every row, and the
    # planner, guessing one match where there were a thousand, probed the 2,000-row
    # queue once per person (25 ms of a 56 ms page, measured by scripts/benchmark.py).
    # Trigram indexes answer the LIKE and give the planner real estimates.
    # pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner
    # may create it without being a superuser.
    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("name"), name="gin_trgm_ops"
                ),
                name="person_name_trgm_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="person",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.indexes.OpClass(
                    django.db.models.functions.text.Upper("email"), name="gin_trgm_ops"
                ),
                name="person_email_trgm_idx",
            ),
        ),
    ]
