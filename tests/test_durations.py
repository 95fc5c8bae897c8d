"""{{ value|elapsed }} writes what Django's {{ value|timesince }} writes, in English,
for any two moments, dates or none."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from django.template import engines
from hypothesis import given
from hypothesis import strategies as st

LONDON = ZoneInfo("Europe/London")
moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC)
)


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def both(value, until=None):
    context = {"value": value, "until": until}
    return (
        render("{{ value|elapsed:until }}", **context),
        render("{{ value|timesince:until }}", **context),
    )


@given(moments, moments, st.sampled_from([UTC, LONDON]))
def test_between_two_moments_it_writes_what_timesince_writes(since, until, zone):
    ours, djangos = both(since.astimezone(zone), until)
    assert ours == djangos


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)), moments)
def test_from_a_date_it_writes_what_timesince_writes(since, until):
    ours, djangos = both(since, until.replace(tzinfo=None))
    assert ours == djangos


def test_the_plural_follows_the_number():
    def elapsed(since, until):
        return render("{{ a|elapsed:b }}", a=since, b=until).replace("\xa0", " ")

    since = datetime(2024, 1, 15, 9, tzinfo=UTC)
    assert elapsed(since, datetime(2025, 2, 20, 9, tzinfo=UTC)) == "1 year, 1 month"
    assert elapsed(since, datetime(2026, 4, 20, 9, tzinfo=UTC)) == "2 years, 3 months"
    assert elapsed(since, datetime(2024, 1, 23, 9, tzinfo=UTC)) == "1 week, 1 day"
    assert elapsed(since, datetime(2024, 1, 31, 9, tzinfo=UTC)) == "2 weeks, 2 days"
    assert elapsed(since, since) == "0 minutes"


def test_nothing_and_nonsense_write_nothing():
    assert render("[{{ a|elapsed }}]", a=None) == "[]"
    assert render("[{{ a|elapsed }}]", a="not a date") == "[]"  # timesince would fail
    assert render(
        "[{{ a|elapsed:b }}]", a=datetime(2024, 1, 1, tzinfo=UTC), b=date(2024, 1, 1)
    ) == (render("[{{ a|timesince:b }}]", a=datetime(2024, 1, 1, tzinfo=UTC), b=date(2024, 1, 1)))
