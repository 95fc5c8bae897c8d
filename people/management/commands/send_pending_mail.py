from django.core.management.base import BaseCommand

from people.services.notifications import send_pending


class Command(BaseCommand):
    help = "Send mail that could not be sent yet (run it every few minutes, e.g. from cron)."

    def handle(self, *args, **options):
        sent, failed = send_pending()
        self.stdout.write(f"{sent} sent, {failed} failed (kept for the next run).")
