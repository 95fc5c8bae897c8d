from django.core.management.base import BaseCommand

from people.models import CalibrationCycle
from people.services.tallies import cycle_tally


class Command(BaseCommand):
    help = (
        "Count closed cycles' proposals into the tallies the parity report reads. Closing a "
        "cycle does this; run it once after upgrading, for the cycles closed before. Safe to "
        "run again: a cycle's tally is replaced, never added to."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="count again the cycles already counted"
        )

    def handle(self, *args, **options):
        cycles = CalibrationCycle.objects.filter(status=CalibrationCycle.Status.CLOSED)
        if not options["all"]:
            cycles = cycles.filter(tallied_at__isnull=True)
        counted = 0
        for cycle in cycles.order_by("effective_on", "pk"):
            cycle_tally(cycle=cycle)
            counted += 1
        self.stdout.write(f"{counted} cycle(s) counted.")
