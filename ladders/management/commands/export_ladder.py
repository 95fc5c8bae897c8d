from django.core.management.base import BaseCommand, CommandError

from ladders.ladder_format import to_csv, to_yaml
from ladders.models import LadderVersion
from ladders.services.versions import ladder_data


class Command(BaseCommand):
    help = "Print a ladder version as YAML or CSV (by default the newest published one)."

    def create_parser(self, *args, **kwargs):
        # --version here names a ladder version: it replaces Django's own --version.
        return super().create_parser(*args, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["yaml", "csv"], default="yaml")
        parser.add_argument("--version", type=int, dest="number", help="A version number.")

    def handle(self, *args, slug: str, format: str, number: int | None, **options):
        versions = LadderVersion.objects.filter(ladder__slug=slug).select_related("ladder")
        if number is None:
            version = versions.newest()
            missing = f"The ladder '{slug}' has no published version (or does not exist)."
        else:
            version = versions.filter(number=number).first()
            missing = f"The ladder '{slug}' has no version {number}."
        if version is None:
            raise CommandError(missing)
        write = to_csv if format == "csv" else to_yaml
        self.stdout.write(write(ladder_data(version)), ending="")
