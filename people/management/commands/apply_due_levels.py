from django.core.management.base import BaseCommand

from people.services.workflow import apply_due_levels


class Command(BaseCommand):
    help = (
        "Give approved people their new level once their closed cycle's effective date has "
        "come. Safe to run repeatedly (e.g. daily from cron): each approval applies once."
    )

    def handle(self, *args, **options):
        applied = apply_due_levels()
        self.stdout.write(f"{applied} level change(s) applied.")
