import os
from contextlib import contextmanager

import hypothesis
import pytest
from django.core.cache import cache
from django.db import transaction

from tests.factories import PersonFactory

# live_server and Playwright's sync API share the test thread's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests try the same examples on every run and every machine: derandomized,
# no example database carried between runs, no deadline (PostgreSQL sets the pace).
hypothesis.settings.register_profile("ci", derandomize=True, database=None, deadline=None)
hypothesis.settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """Each test starts with an empty cache, as a freshly started server does."""
    cache.clear()


@pytest.fixture
def top(db):
    """The CTO: top of the engineering tree."""
    return PersonFactory(name="Ada Top", email="ada@example.com")


@pytest.fixture
def director(top):
    return PersonFactory(name="Dana Director", email="dana@example.com", manager=top)


@pytest.fixture
def manager(director):
    return PersonFactory(name="Max Manager", email="max@example.com", manager=director)


@pytest.fixture
def report(manager):
    """An engineer who reports to ``manager``."""
    return PersonFactory(name="Riya Report", email="riya@example.com", manager=manager)


@pytest.fixture
def outsider(top):
    """An engineer on another branch: not in ``manager``'s chain or tree."""
    other_manager = PersonFactory(name="Otto Elsewhere", email="otto@example.com", manager=top)
    return PersonFactory(name="Olga Outsider", email="olga@example.com", manager=other_manager)


@pytest.fixture
def hr(db):
    return PersonFactory(name="Hana People", email="hana@example.com", is_hr=True)


@pytest.fixture
def client_for(client):
    """A test client signed in as the given person."""

    def sign_in(person):
        client.force_login(person.user)
        return client

    return sign_in


@pytest.fixture
def each_example(db):
    """For property tests: a savepoint to run one hypothesis example in, rolled back
    after it. Function-scoped fixtures are set up once for all of a test's examples,
    so without it one example's writes would be the next one's starting point."""

    @contextmanager
    def savepoint():
        with transaction.atomic():
            yield
            transaction.set_rollback(True)

    return savepoint


class Outcomes(set):
    def add(self, outcome):
        hypothesis.event(outcome)  # counted by pytest --hypothesis-show-statistics
        super().add(outcome)


@pytest.fixture
def outcomes():
    """For property tests: each example adds its outcome ("accepted" or "refused");
    once the last example has run, both must have been seen, or the strategies are
    too narrow to test what the property claims."""
    seen = Outcomes()
    yield seen
    assert seen >= {"accepted", "refused"}, f"the examples only reached {set(seen) or 'nothing'}"


def pytest_collection_modifyitems(items):
    """Browser tests last: the fast tests give their verdict first."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
