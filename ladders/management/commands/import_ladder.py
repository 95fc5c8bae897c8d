from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from ladders.ladder_format import LadderFormatError, check_size, max_bytes, read_file
from ladders.services.versions import LadderError, ladder_import, version_publish


class Command(BaseCommand):
    help = (
        "Import a ladder file (YAML, JSON or CSV) as a new draft; with --publish, publish "
        "it at once. All or nothing: any error writes nothing and every error is listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish the new version.")
        parser.add_argument("--note", default="", help="The change note (needed with --publish).")

    def handle(self, *args, file: Path, publish: bool, note: str, **options):
        if publish and not note.strip():
            raise CommandError("--publish needs a --note saying what changed.")
        try:
            # Refused by its size before it is read: a huge file never fills the memory.
            check_size(file.stat().st_size, max_bytes(file.name))
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except LadderFormatError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        try:
            with transaction.atomic():
                version = ladder_import(data=read_file(data, file.name), user=None)
                if publish:
                    version = version_publish(version=version, user=None, note=note)
        except LadderFormatError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{file}: {len(error.problems)} error(s); nothing was imported."
            ) from None
        except LadderError as error:
            raise CommandError(str(error)) from None
        state = "published" if publish else "a draft"
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {version.ladder.slug} version {version.number} ({state})."
            )
        )
