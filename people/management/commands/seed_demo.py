import csv
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from people import demo
from people.people_import import people_import


class Command(BaseCommand):
    help = "Load the demo organisation. Idempotent: running it again changes nothing."

    def handle(self, *args, **options):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["email", "name", "manager_email", "role"])
        writer.writerows(demo.demo_rows())
        with transaction.atomic():
            summary = people_import(data=buffer.getvalue().encode())
            passwords = self._give_passwords([row[0] for row in demo.demo_rows()])
        self.stdout.write(f"Demo people: {summary} {passwords} password(s) set.")
        self.stdout.write(f"Demo logins (password for all: {demo.PASSWORD}):")
        for role, name in demo.LOGINS:
            self.stdout.write(f"  {role:<28} {demo.email_for(name)}")

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
