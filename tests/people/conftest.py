import pytest
import time_machine

from people.services.check_in_mail import check_in_digests_send


@pytest.fixture
def digest_mails(mailoutbox, django_capture_on_commit_callbacks):
    """Run the daily check-in digest at ``moment``; returns the mails it sent."""

    def run(moment):
        mailoutbox.clear()
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            count = check_in_digests_send()
        assert count == len(mailoutbox)
        return list(mailoutbox)

    return run
