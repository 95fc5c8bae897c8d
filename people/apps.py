from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from config.sessions import stamp_session
        from people.services import levels  # noqa: F401  (connects the version_published receiver)

        user_logged_in.connect(stamp_session, dispatch_uid="config.sessions.stamp_session")
