from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from people.services import levels  # noqa: F401  (connects the version_published receiver)
