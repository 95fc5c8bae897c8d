"""Properties of the people import, whatever the CSV: reading it gives rows or
problems with their line, never another exception; the import page answers
without a server error; and an import is all or nothing: a refused file leaves
people, accounts, levels and attributes as they were, an accepted one is applied
line by line and touches nobody it does not name.

Files are built from plausible organisations (people already in the app, new
people, an account without a person, managers in the file or in the app,
levels of the published ladder, attributes), then broken on purpose: invalid,
duplicate and over-long emails, unknown managers and cycles, unknown roles,
ladders and levels, over-long names and attributes, columns missing, unknown or
repeated, lines too long or too short, odd quoting, NUL, bytes that are not UTF-8."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ladders.models import Level
from people.models import LevelChange, Person, PersonAttribute
from people.services.levels import person_set_level
from people.services.people_import import PeopleImportError, parse_people_csv
from tests.builders import ladder_data, publish
from tests.factories import UserFactory
from tests.strategies import NASTY_TEXT, csv_text, damaged_bytes

URL = reverse("people:import")
User = get_user_model()

# Each test's fixtures (the organisation, the ladder, the client) serve all its
# examples; every example runs in the each_example savepoint, rolled back after
# it, so the function-scoped fixtures are safe to share.
shared_fixtures = [HealthCheck.function_scoped_fixture]

IN_THE_APP = [
    "ada@example.com",
    "dana@example.com",
    "max@example.com",
    "riya@example.com",
    "otto@example.com",
    "olga@example.com",
    "hana@example.com",
]
ACCOUNT_ONLY = "acc@example.com"  # an account without a person yet
NEW = ["lin@example.com", "sam@example.com", "kim@example.com", "lin@exämple.com"]
EMAIL = st.one_of(
    st.sampled_from(IN_THE_APP + NEW + [ACCOUNT_ONLY]),
    st.sampled_from(IN_THE_APP + NEW).map(str.upper),
    st.sampled_from(NEW).map(lambda email: f"  {email} "),
    st.sampled_from(
        [
            "",
            "not-an-email",
            "a@b",
            "zoë@example.com",
            '"two words"@example.com',
            "x" * 150 + "@example.com",
            "a\x01b@example.com",
        ]
    ),
)
NAME = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=30)
NAME |= NASTY_TEXT
ROLE = st.sampled_from(["", "engineer", "manager", "hr", " HR ", "Engineer", "boss"])
LEVEL = st.sampled_from(
    [
        ("", ""),
        ("engineering", "IC1"),
        ("engineering", "IC2"),
        ("Engineering", "M1"),
        ("engineering", "ic1"),
        ("engineering", "NOPE"),
        ("nope", "IC1"),
        ("", "IC1"),
        ("engineering", ""),
    ]
)
ATTRIBUTE = st.sampled_from(["", "Lisbon", "Platform", " spaced ", "x" * 121]) | NAME
OPTIONAL_COLUMNS = ["manager_email", "role", "ladder", "level_code", "attr:location", "attr:Team"]
ODD_COLUMNS = ["attr:", "attr:bad!", "phone", "email", "Name", ""]


@st.composite
def people_files(draw) -> bytes:
    """A people CSV: a header of email, name and some optional columns, a few lines
    of plausible values, then perhaps a broken column, line or byte."""
    columns = ["email", "name", *draw(st.lists(st.sampled_from(OPTIONAL_COLUMNS), unique=True))]
    columns = draw(st.permutations(columns))
    if draw(st.integers(0, 4)) == 0:  # now and then, a header that is wrong
        if draw(st.booleans()):
            columns.remove(draw(st.sampled_from(["email", "name"])))
        columns.append(draw(st.sampled_from(ODD_COLUMNS)))
    rows = [columns]
    for _ in range(draw(st.integers(1, 5))):
        ladder, code = draw(LEVEL)
        values = {
            "email": draw(EMAIL),
            "name": draw(NAME),
            "manager_email": draw(st.just("") | EMAIL),
            "role": draw(ROLE),
            "ladder": ladder,
            "level_code": code,
        }
        row = [values[c] if c in values else draw(ATTRIBUTE) for c in columns]
        shape = draw(st.sampled_from(["ok"] * 8 + ["long", "short"]))
        if shape == "long":
            row.append(draw(NAME))
        elif shape == "short" and row:
            row.pop()
        rows.append(row)
        if draw(st.integers(0, 5)) == 0:
            rows.append([])  # a blank line
    text = draw(csv_text(rows))
    return draw(damaged_bytes(text.encode("utf-8", "surrogatepass")))


@st.composite
def clean_people_files(draw) -> bytes:
    """Files that import: new people, each under someone already in the app or
    named earlier in the file, with valid roles, levels and attributes."""
    emails = draw(st.lists(st.sampled_from(NEW), min_size=1, unique=True))
    named = list(IN_THE_APP)
    rows = [["email", "name", "manager_email", "role", "ladder", "level_code", "attr:location"]]
    for email in emails:
        ladder, code = draw(
            st.sampled_from([("", ""), ("engineering", "IC2"), ("engineering", "M1")])
        )
        rows.append(
            [
                email,
                draw(st.text(min_size=1, max_size=30).filter(str.strip)),
                draw(st.sampled_from(["", *named])),
                draw(st.sampled_from(["", "engineer", "manager", "hr"])),
                ladder,
                code,
                draw(st.sampled_from(["", "Lisbon"])),
            ]
        )
        named.append(email)
    return draw(csv_text(rows)).encode()


@pytest.fixture
def hr_client(client_for, hr):
    """Signed in once for all the examples."""
    return client_for(hr)


@pytest.fixture
def organisation(top, director, manager, report, outsider, hr):
    """The personas, an account without a person, and the published Engineering
    ladder; Riya is IC1 and has an attribute."""
    version = publish(ladder_data())
    person_set_level(
        person=report, level=Level.objects.get(version=version, code="IC1"), by=None, source="hr"
    )
    PersonAttribute.objects.create(person=report, name="location", value="Porto")
    UserFactory(username=ACCOUNT_ONLY)


def snapshot() -> dict[str, dict]:
    """Every row of the tables an import writes, by table and primary key."""
    models = (Person, User, LevelChange, PersonAttribute)
    return {model.__name__: {row["id"]: row for row in model.objects.values()} for model in models}


def assert_fully_applied(before: dict, data: bytes):
    """Every line of the file holds in the database; nobody else changed."""
    rows = parse_people_csv(data).rows
    people = {p.email: p for p in Person.objects.select_related("manager", "level__version")}
    old = {row["email"]: row for row in before["Person"].values()}
    for row in rows:
        person = people[row.email]
        assert person.user.username == row.email
        assert person.name == row.name
        was = old.get(row.email)
        if row.is_hr is not None:
            assert person.is_hr == row.is_hr
        elif was:
            assert person.is_hr == was["is_hr"]
        if row.manager_email is not None:
            assert getattr(person.manager, "email", "") == row.manager_email
        elif was:
            assert person.manager_id == was["manager_id"]
        if row.level is not None:
            assert (person.level.version.ladder.slug, person.level.code) == row.level
        elif was:
            assert person.level_id == was["level_id"]
        attributes = dict(person.attributes.values_list("name", "value"))
        for name, value in row.attributes.items():
            assert attributes.get(name, "") == value
    named = {row.email for row in rows}
    for pk, row in before["Person"].items():
        if row["email"] not in named:
            assert Person.objects.values().get(pk=pk) == row
    assert User.objects.count() - len(before["User"]) == len(
        {row.email for row in rows} - set(old) - {ACCOUNT_ONLY}
    )


@settings(max_examples=200)
@given(people_files())
def test_reading_any_file_gives_rows_or_problems_with_their_line(data):
    try:
        parsed = parse_people_csv(data)
    except PeopleImportError as error:
        assert error.problems
        problems = error.problems
    else:
        problems = parsed.problems
        assert len({row.email for row in parsed.rows}) == len(parsed.rows)
    for problem in problems:
        assert problem.line >= 1 and problem.message.strip()


@settings(max_examples=100, suppress_health_check=shared_fixtures)
@given(data=people_files() | clean_people_files())
def test_the_import_page_never_fails_and_imports_all_or_nothing(
    hr_client, organisation, each_example, outcomes, data
):
    with each_example():
        before = snapshot()

        response = hr_client.post(URL, {"file": SimpleUploadedFile("people.csv", data)})

        if response.status_code == 302:
            outcomes.add("accepted")
            assert_fully_applied(before, data)
        else:
            outcomes.add("refused")
            assert response.status_code == 400
            assert snapshot() == before
            context = response.context
            assert context["problems"] or context["warnings"] or context["form"].errors
