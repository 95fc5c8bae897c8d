"""Levels of published versions, read once and kept by the process: what a page reads
through them is what the database holds, and a draft's are never kept."""

from types import SimpleNamespace

import pytest

from ladders.models import Level
from ladders.published import levels_by_pk, with_levels
from ladders.services.versions import ladder_import
from tests.builders import ladder_data, level, publish

pytestmark = pytest.mark.django_db


def test_a_published_level_is_read_once_then_kept(django_assert_num_queries):
    version = publish(ladder_data())
    ic1, ic2 = level(version, "IC1"), level(version, "IC2")
    with django_assert_num_queries(1):
        first = levels_by_pk([ic1.pk, ic2.pk, None, ic1.pk])
    with django_assert_num_queries(0):
        again = levels_by_pk([ic2.pk, ic1.pk])
    for found in (first, again):
        assert set(found) == {ic1.pk, ic2.pk}
        assert (found[ic1.pk].code, found[ic1.pk].track.kind) == ("IC1", "ic")
        assert (found[ic2.pk].title, found[ic2.pk].version.status) == (ic2.title, "published")
    # Only what is missing is read.
    ic3 = level(version, "IC3")
    with django_assert_num_queries(1):
        assert sorted(lv.code for lv in levels_by_pk([ic1.pk, ic3.pk]).values()) == ["IC1", "IC3"]


def test_each_caller_gets_its_own_copy():
    version = publish(ladder_data())
    pk = level(version, "IC1").pk
    mine = levels_by_pk([pk])[pk]
    mine.code = "scribbled"
    mine.track.name = "scribbled"
    theirs = levels_by_pk([pk])[pk]
    assert (theirs.code, theirs.track.name) == ("IC1", level(version, "IC1").track.name)


def test_a_drafts_levels_are_read_every_time(django_assert_num_queries):
    draft = ladder_import(data=ladder_data(), user=None)
    pk = Level.objects.get(version=draft, code="IC1").pk
    assert levels_by_pk([pk])[pk].title != "Retitled"
    Level.objects.filter(pk=pk).update(title="Retitled")  # HR edits the draft
    with django_assert_num_queries(1):
        assert levels_by_pk([pk])[pk].title == "Retitled"


def test_with_levels_sets_each_named_level_as_select_related_would(
    django_assert_num_queries,
):
    version = publish(ladder_data())
    ic1, ic2, m1 = (level(version, code) for code in ("IC1", "IC2", "M1"))
    someone, other, manager = SimpleNamespace(), SimpleNamespace(), SimpleNamespace()
    someone.current_level_id, someone.target_level_id = ic1.pk, ic2.pk
    other.current_level_id, other.target_level_id = m1.pk, None
    other.target_level = "untouched"
    manager.level_id = m1.pk
    with django_assert_num_queries(1):  # every level named, in one query
        with_levels([someone, other], "current_level", "target_level", also=[(manager, "level")])
    assert (someone.current_level.code, someone.target_level.code) == ("IC1", "IC2")
    assert (other.current_level.code, other.current_level.track.kind) == ("M1", "management")
    assert other.target_level == "untouched"  # no level: nothing to set
    assert (manager.level.code, manager.level.version.number) == ("M1", version.number)
