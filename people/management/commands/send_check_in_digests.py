from django.core.management.base import BaseCommand

from people.services.check_in_mail import check_in_digests_send


class Command(BaseCommand):
    help = (
        "Mail each person one digest of their check-ins: what moved since their last one, "
        "steps waiting a week for them and check-ins due by their ladder's cadence; at "
        "most once a day per person (run it daily, e.g. from cron)."
    )

    def handle(self, *args, **options):
        sent = check_in_digests_send()
        self.stdout.write(f"{sent} check-in digest(s) queued.")
