from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.services.people_import import (
    PeopleImportError,
    PeopleImportNeedsConfirmation,
    people_import,
)


class Command(BaseCommand):
    help = (
        "Load people from a CSV with columns email,name,manager_email,role. "
        "All or nothing: any problem writes nothing and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Path to the CSV file (UTF-8).")
        parser.add_argument(
            "--confirm",
            action="store_true",
            help="Import even if the file leaves nobody working here as HR.",
        )

    def handle(self, *args, file: Path, confirm: bool, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            summary = people_import(data=data, confirmed=confirm)
        except PeopleImportNeedsConfirmation as question:
            for warning in question.warnings:
                self.stderr.write(warning)
            raise CommandError(f"{file}: nothing was imported; run again with --confirm.") from None
        except PeopleImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file}: {len(error.problems)} problem(s); nothing was imported."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {summary}"))
