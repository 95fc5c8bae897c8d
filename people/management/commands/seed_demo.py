import csv
import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from ladders.ladder_format import read_file
from ladders.models import Ladder
from ladders.versions import ladder_import, version_publish
from people import demo
from people.people_import import people_import

LADDER_DIR = Path(__file__).resolve().parents[3] / "ladders" / "demo"


class Command(BaseCommand):
    help = "Load the demo organisation. Idempotent: running it again changes nothing."

    def handle(self, *args, **options):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["email", "name", "manager_email", "role", "ladder", "level_code"])
        writer.writerows(demo.demo_rows())
        with transaction.atomic():
            ladders = self._load_ladders()
            summary = people_import(data=buffer.getvalue().encode())
            passwords = self._give_passwords([row[0] for row in demo.demo_rows()])
        self.stdout.write(f"Demo ladders: {ladders} published.")
        self.stdout.write(f"Demo people: {summary} {passwords} password(s) set.")
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for role, name in demo.LOGINS:
            self.stdout.write(f"  {role:<28} {demo.email_for(name)}")

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
