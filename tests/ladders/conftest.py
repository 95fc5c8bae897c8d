"""Ladders for tests, built through the same services HR uses."""

import pytest

from ladders.services.versions import draft_start
from tests.builders import ladder_data, publish


@pytest.fixture
def published(db):
    """Engineering version 1, published: IC1-IC3 (grades 1-3), M1-M3 (grades 2-4),
    competencies comp-1..comp-3."""
    return publish(ladder_data())


@pytest.fixture
def draft(published):
    """Version 2 of Engineering, a draft copied from version 1."""
    return draft_start(ladder=published.ladder, user=None)
