import csv
import io
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from ladders.ladder_format import read_file
from ladders.models import Ladder
from ladders.services.versions import ladder_import, version_publish
from people.demo import organisation as demo
from people.demo.checkins import seed_check_ins
from people.demo.evidence_log import seed_log
from people.demo.progressions import seed_progressions
from people.models import OutgoingEmail, Person
from people.services.people_import import people_import

# The demo people took their first level this long ago.
HIRED_DAYS_AGO = 700
LADDER_DIR = Path(__file__).resolve().parents[3] / "ladders" / "demo"


class Command(BaseCommand):
    help = "Load the demo organisation. Idempotent: running it again changes nothing."

    def handle(self, *args, **options):
        today = timezone.localdate()
        with transaction.atomic():
            ladders = self._load_ladders()
            # Levels from the file only for people who have none: later promotions
            # (the demo's past cycles among them) are kept on a second run.
            summary = people_import(
                data=self._people_csv(), at=timezone.now() - timedelta(days=HIRED_DAYS_AGO)
            )
            passwords = self._give_passwords([row[0] for row in demo.demo_rows()])
            proposals = seed_progressions(today=today)
            entries = seed_log(today=today)
            check_ins = seed_check_ins(today=today, engineer_email=demo.email_for("Sam Patel"))
            # The demo's history is not news: nobody is mailed about it.
            OutgoingEmail.objects.filter(sent_at__isnull=True).delete()
        self.stdout.write(f"Demo ladders: {ladders} published.")
        self.stdout.write(f"Demo proposals: {proposals} created.")
        self.stdout.write(f"Demo evidence log: {entries} entries written.")
        self.stdout.write(f"Demo check-ins: {check_ins} written.")
        self.stdout.write(f"Demo people: {summary} {passwords} password(s) set.")
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for role, name in demo.LOGINS:
            self.stdout.write(f"  {role:<28} {demo.email_for(name)}")

    def _people_csv(self) -> bytes:
        placed = set(Person.objects.filter(level__isnull=False).values_list("email", flat=True))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            ["email", "name", "manager_email", "role", "ladder", "level_code", "attr:location"]
        )
        for email, name, manager, role, ladder, code, location in demo.demo_rows():
            if email in placed:
                ladder = code = ""
            writer.writerow([email, name, manager, role, ladder, code, location])
        return buffer.getvalue().encode()

    def _load_ladders(self) -> int:
        """Publish each demo ladder once; a ladder that exists is left as HR made it."""
        loaded = 0
        for name in demo.LADDER_FILES:
            path = LADDER_DIR / name
            data = read_file(path.read_bytes(), path.name)
            if Ladder.objects.filter(slug=data.slug).exists():
                continue
            draft = ladder_import(data=data, user=None)
            version_publish(version=draft, user=None, note="The first published version.")
            loaded += 1
        return loaded

    def _give_passwords(self, emails: list[str]) -> int:
        """Only to demo accounts that have none, so a changed password is kept."""
        # One hash for all: hashing 60 times would take most of a minute, and
        # these accounts share one published password anyway.
        hashed = make_password(demo.PASSWORD)
        users = [
            user
            for user in get_user_model().objects.filter(username__in=emails)
            if not user.has_usable_password()
        ]
        for user in users:
            user.password = hashed
        get_user_model().objects.bulk_update(users, ["password"])
        return len(users)
