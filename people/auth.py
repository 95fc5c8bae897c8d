"""Signing in: the user of a signed-in request comes with their person in one query."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from people.models import CalibrationCycle, Person

# What a page needs of who is asking: their level (with its track and ladder), their
# manager (Home names them) and their roles, read with the user rather than in queries
# of their own.
PERSON_FIELDS = ("person__level__track", "person__level__version__ladder", "person__manager")


class PersonBackend(ModelBackend):
    """Django's ModelBackend, whose ``get_user`` (run on every signed-in request)
    reads the user's person, level and roles in the same query:
    ``people.permissions.people.current_person`` then needs none."""

    def get_user(self, user_id):
        person = OuterRef("person__pk")
        user = (
            get_user_model()
            ._default_manager.select_related(*PERSON_FIELDS)
            .annotate(
                person_has_reports=Exists(Person.objects.filter(manager_id=person)),
                person_calibrates=Exists(
                    CalibrationCycle.calibrators.through.objects.filter(person_id=person)
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
