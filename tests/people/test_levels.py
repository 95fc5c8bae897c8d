from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from ladders.models import Ladder, LadderVersion
from people.models import LevelChange, Person
from people.services.levels import LevelError, person_set_level
from people.services.people_import import PeopleImportError, people_import
from tests.builders import ladder_data, level, publish


@pytest.fixture
def engineering(db):
    return publish(ladder_data())


def url(person):
    return f"/people/{person.uid}/level/"


def test_hr_sets_a_level_and_it_enters_the_history(client_for, hr, report, engineering):
    ic2 = level(engineering, "IC2")
    response = client_for(hr).post(
        url(report), {"level": ic2.pk, "note": "Hired at IC2"}, follow=True
    )
    assert "Riya Report is now IC2 · IC title 2." in response.content.decode()
    report.refresh_from_db()
    assert report.level == ic2
    change = LevelChange.objects.get(person=report)
    assert (change.level, change.previous_level, change.source, change.note) == (
        ic2,
        None,
        "hr",
        "Hired at IC2",
    )
    assert change.changed_by == hr.user


def test_giving_the_same_level_again_writes_no_history(client_for, hr, report, engineering):
    client = client_for(hr)
    ic2 = level(engineering, "IC2")
    client.post(url(report), {"level": ic2.pk})
    response = client.post(url(report), {"level": ic2.pk}, follow=True)
    assert "already is IC2" in response.content.decode()
    assert LevelChange.objects.filter(person=report).count() == 1


def test_a_level_that_is_not_offered_is_refused(client_for, hr, report, engineering):
    response = client_for(hr).post(url(report), {"level": 999999})
    assert response.status_code == 422
    assert 'id="id_level_error"' in response.content.decode()
    report.refresh_from_db()
    assert report.level is None


def test_a_manager_may_see_but_not_set_a_level(client_for, manager, report, engineering):
    response = client_for(manager).post(url(report), {"level": level(engineering, "IC3").pk})
    assert response.status_code == 403


def test_someone_who_cannot_see_the_person_gets_a_404(client_for, outsider, report, engineering):
    assert client_for(outsider).post(url(report), {"level": 1}).status_code == 404


def test_setting_a_level_is_a_post(client_for, hr, report):
    assert client_for(hr).get(url(report)).status_code == 405


def test_the_person_page_shows_the_level_and_its_equivalents(client_for, hr, report, engineering):
    report.level = level(engineering, "IC2")
    report.save()
    body = client_for(hr).get(f"/people/{report.uid}/").content.decode()
    assert 'chip-ic">' in body and 'IC2</span> <span class="level-title">IC title 2' in body
    # grade 2 on the management track
    assert 'chip-management">' in body and 'M1</span> <span class="level-title">M title 1' in body
    assert "lateral move" in body


def test_level_history_is_hidden_from_people_above_who_do_not_manage(
    client_for, report, manager, engineering
):
    # The report may see their manager's page, but not the manager's level history.
    body = client_for(report).get(f"/people/{manager.uid}/").content.decode()
    assert "Level history" not in body
    body = client_for(manager).get(f"/people/{report.uid}/").content.decode()
    assert "Level history" in body


def test_the_import_sets_levels_and_records_them(engineering, top):
    people_import(
        data=b"email,name,ladder,level_code\nada@example.com,Ada Top,engineering,M3\n"
        b"new@example.com,New Person,ENGINEERING,IC1\n"
    )
    top.refresh_from_db()
    assert top.level.code == "M3"
    assert Person.objects.get(email="new@example.com").level.code == "IC1"
    assert LevelChange.objects.filter(source="import").count() == 2


def test_the_import_names_unknown_ladders_and_levels(engineering):
    with pytest.raises(PeopleImportError) as caught:
        people_import(
            data=b"email,name,ladder,level_code\na@example.com,A,nowhere,IC1\n"
            b"b@example.com,B,engineering,IC9\nc@example.com,C,engineering,\n"
        )
    assert [str(p) for p in caught.value.problems] == [
        "Line 2, ladder: No published ladder with the slug 'nowhere'.",
        "Line 3, level_code: The ladder 'engineering' has no level 'IC9'. Its levels: IC1, IC2, "
        "IC3, M1, M2, M3.",
        "Line 4, level_code: Give both ladder and level_code, or neither.",
    ]
    assert not Person.objects.exists()


def test_seed_demo_is_idempotent_and_gives_everyone_a_level(db):
    call_command("seed_demo", stdout=StringIO())
    people, changes = Person.objects.count(), LevelChange.objects.count()
    assert people >= 55
    assert not Person.objects.filter(level__isnull=True).exists()
    assert set(Ladder.objects.values_list("slug", flat=True)) == {
        "engineering",
        "product-design",
        "people-operations",
    }
    engineering = LadderVersion.objects.get(ladder__slug="engineering")
    assert engineering.levels.filter(track__kind="ic").count() >= 7
    assert engineering.levels.filter(track__kind="management").count() >= 5
    assert engineering.competencies.count() >= 8

    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()
    assert (Person.objects.count(), LevelChange.objects.count()) == (people, changes)
    assert LadderVersion.objects.count() == 3


def test_hr_cannot_set_their_own_level(client_for, hr, engineering):
    client = client_for(hr)
    page = client.get(f"/people/{hr.uid}/").content.decode()
    assert url(hr) not in page
    assert "Another HR person sets your level" in page

    response = client.post(url(hr), {"level": level(engineering, "IC3").pk})

    assert response.status_code == 403
    assert "You cannot change your own level: another HR person does it." in (
        response.content.decode()
    )
    assert not LevelChange.objects.exists()


def test_the_import_refuses_the_importers_own_level_change(engineering, hr):
    hr.level = level(engineering, "IC1")
    hr.save()
    unchanged = b"email,name,ladder,level_code\nhana@example.com,Hana People,engineering,IC1\n"
    people_import(data=unchanged, by=hr.user)

    with pytest.raises(PeopleImportError) as caught:
        people_import(data=unchanged.replace(b"IC1", b"IC3"), by=hr.user)

    assert [str(p) for p in caught.value.problems] == [
        "Line 2, level_code: You cannot change your own level: another HR person does it."
    ]
    hr.refresh_from_db()
    assert hr.level.code == "IC1"
    # Run from the command line, nobody is the importer: whoever runs it answers for it.
    people_import(data=unchanged.replace(b"IC1", b"IC3"))
    hr.refresh_from_db()
    assert hr.level.code == "IC3"


def test_a_level_change_is_never_dated_ahead(engineering, report):
    """On a day still to come everyone stands where their level says today (the
    dashboard counts on it): a change dated after the moment it is made is refused,
    one dated before it is kept as dated, and nothing is written for the refused."""
    tomorrow = timezone.now() + timedelta(days=1)
    with pytest.raises(LevelError, match="cannot be dated in the future"):
        person_set_level(
            person=report, level=level(engineering, "IC2"), by=None, source="hr", at=tomorrow
        )
    with pytest.raises(LevelError, match="cannot be dated in the future"):
        people_import(
            data=b"email,name,ladder,level_code\nriya@example.com,Riya Report,engineering,IC3\n",
            at=tomorrow,
        )
    assert not LevelChange.objects.filter(person=report).exists()
    yesterday = timezone.now() - timedelta(days=1)
    person_set_level(
        person=report, level=level(engineering, "IC2"), by=None, source="hr", at=yesterday
    )
    assert LevelChange.objects.get(person=report).changed_at == yesterday
