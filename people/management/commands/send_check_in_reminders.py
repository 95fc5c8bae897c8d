from django.core.management.base import BaseCommand

from people.services.reminders import check_in_reminders_send


class Command(BaseCommand):
    help = (
        "Mail a digest of the check-ins stalled for a week to whoever's turn it is, at most "
        "once a day per person (run it daily, e.g. from cron)."
    )

    def handle(self, *args, **options):
        sent = check_in_reminders_send()
        self.stdout.write(f"{sent} reminder digest(s) queued.")
