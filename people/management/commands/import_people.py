from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from people.services.people_import import PeopleImportError, people_import


class Command(BaseCommand):
    help = (
        "Load people from a CSV with columns email,name,manager_email,role. "
        "All or nothing: any problem writes nothing and every problem is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Path to the CSV file (UTF-8).")

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        try:
            summary = people_import(data=data)
        except PeopleImportError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file}: {len(error.problems)} problem(s); nothing was imported."
            ) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {summary}"))
