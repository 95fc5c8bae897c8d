"""The people CSV import: the service, all or nothing, and the management command."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from people.models import Person
from people.services.people_import import (
    MAX_BYTES,
    ImportSummary,
    PeopleImportError,
    PeopleImportNeedsConfirmation,
    Problem,
    people_import,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()

HEADER = "email,name,manager_email,role"


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


# Sam's manager, Lin, is defined on a later line than Sam.
ORGANISATION = csv_bytes(
    HEADER,
    "sam@example.com,Sam Patel,lin@example.com,",
    "Lin@Example.com,Lin Chen,ada@example.com,manager",
    "ada@example.com,Ada Okafor,,hr",
    "kim@example.com,Kim Lee,LIN@example.com,engineer",
)


def problems_for(data: bytes) -> list[Problem]:
    with pytest.raises(PeopleImportError) as caught:
        people_import(data=data)
    return caught.value.problems


def only_problem(data: bytes) -> Problem:
    problems = problems_for(data)
    assert len(problems) == 1, problems
    return problems[0]


def people_by_email() -> dict[str, Person]:
    return {p.email: p for p in Person.objects.select_related("manager", "user")}


def snapshot() -> dict[str, tuple]:
    return {
        p.email: (p.name, p.manager_id, p.is_hr, p.updated_at)
        for p in Person.objects.order_by("email")
    }


# A clean file


def test_a_clean_file_creates_people_with_accounts_managers_and_roles():
    summary = people_import(data=ORGANISATION)

    assert summary == ImportSummary(created=4, updated=0, unchanged=0)
    people = people_by_email()
    assert set(people) == {
        "sam@example.com",
        "lin@example.com",
        "ada@example.com",
        "kim@example.com",
    }
    assert people["sam@example.com"].name == "Sam Patel"
    assert people["sam@example.com"].manager == people["lin@example.com"]
    assert people["kim@example.com"].manager == people["lin@example.com"]
    assert people["lin@example.com"].manager == people["ada@example.com"]
    assert people["ada@example.com"].manager is None
    assert {email for email, p in people.items() if p.is_hr} == {"ada@example.com"}


def test_new_people_get_an_account_named_by_their_lower_case_email_without_a_password():
    people_import(data=ORGANISATION)

    lin = Person.objects.select_related("user").get(email="lin@example.com")
    assert lin.user.username == "lin@example.com"
    assert lin.user.email == "lin@example.com"
    assert not lin.user.has_usable_password()
    assert User.objects.count() == 4
    assert not any(user.has_usable_password() for user in User.objects.all())


def test_an_existing_account_without_a_person_is_linked_not_duplicated():
    account = UserFactory(username="ada@example.com")

    people_import(data=ORGANISATION)

    assert Person.objects.get(email="ada@example.com").user == account
    assert User.objects.count() == 4


def test_header_names_ignore_case_and_surrounding_spaces():
    people_import(data=csv_bytes(" Email , NAME ", "ada@example.com,Ada"))

    assert Person.objects.get(email="ada@example.com").name == "Ada"


def test_windows_line_endings_are_accepted():
    data = "\r\n".join([HEADER, "ada@example.com,Ada,,hr", "lin@example.com,Lin,ada@example.com,"])

    summary = people_import(data=(data + "\r\n").encode())

    assert summary.created == 2
    assert Person.objects.get(email="lin@example.com").manager.email == "ada@example.com"


def test_utf8_with_a_byte_order_mark_is_accepted():
    data = "\ufeff" + HEADER + "\nzoe@example.com,Zoë Åberg,,hr\n"

    summary = people_import(data=data.encode())

    assert summary.created == 1
    zoe = Person.objects.get(email="zoe@example.com")
    assert zoe.name == "Zoë Åberg"
    assert zoe.is_hr


def test_blank_lines_are_skipped_and_line_numbers_still_count_them():
    data = csv_bytes(HEADER, "", "ada@example.com,Ada,,", ",,,", "   ", "lin@example.com,Lin,ada@,")

    problem = only_problem(data)

    assert problem.line == 6
    assert problem.column == "manager_email"

    people_import(data=data.replace(b"ada@,", b"ada@example.com,"))
    assert Person.objects.count() == 2


def test_a_hostile_name_is_stored_as_written():
    name = "<script>alert(1)</script>"

    people_import(data=csv_bytes("email,name", f"eve@example.com,{name}"))

    assert Person.objects.get(email="eve@example.com").name == name


def test_a_name_of_exactly_the_maximum_length_is_accepted():
    name = "N" * 120

    people_import(data=csv_bytes("email,name", f"long@example.com,{name}"))

    assert Person.objects.get(email="long@example.com").name == name


# Importing again


def test_reimporting_the_same_file_changes_nothing():
    people_import(data=ORGANISATION)
    before = snapshot()

    summary = people_import(data=ORGANISATION)

    assert summary == ImportSummary(created=0, updated=0, unchanged=4)
    assert snapshot() == before
    assert User.objects.count() == 4


def test_a_changed_name_manager_or_role_updates_only_those_people():
    people_import(data=ORGANISATION)
    before = snapshot()

    summary = people_import(
        data=csv_bytes(
            HEADER,
            "sam@example.com,Samuel Patel,lin@example.com,",  # name
            "lin@example.com,Lin Chen,ada@example.com,manager",  # unchanged
            "ada@example.com,Ada Okafor,,engineer",  # no longer HR
            "kim@example.com,Kim Lee,ada@example.com,hr",  # manager and role
        )
    )

    assert summary == ImportSummary(created=0, updated=3, unchanged=1)
    people = people_by_email()
    assert people["sam@example.com"].name == "Samuel Patel"
    assert not people["ada@example.com"].is_hr
    assert people["kim@example.com"].manager == people["ada@example.com"]
    assert people["kim@example.com"].is_hr
    after = snapshot()
    assert after["lin@example.com"] == before["lin@example.com"]
    for email in ("sam@example.com", "ada@example.com", "kim@example.com"):
        assert after[email][3] > before[email][3], email


def test_an_empty_manager_email_puts_the_person_at_the_top(report):
    summary = people_import(data=csv_bytes(HEADER, "riya@example.com,Riya Report,,"))

    assert summary == ImportSummary(created=0, updated=1, unchanged=0)
    report.refresh_from_db()
    assert report.manager is None


def test_new_and_changed_people_are_counted_separately(top):
    summary = people_import(
        data=csv_bytes(
            HEADER,
            "ada@example.com,Ada Renamed,,",
            "new@example.com,New Person,ada@example.com,",
        )
    )

    assert summary == ImportSummary(created=1, updated=1, unchanged=0)


def test_people_absent_from_the_file_are_left_alone(report, outsider, hr):
    before = snapshot()

    people_import(data=csv_bytes(HEADER, "new@example.com,New Person,,"))

    after = snapshot()
    del after["new@example.com"]
    assert after == before


def test_a_manager_may_be_someone_already_in_the_app_but_not_in_the_file(manager):
    summary = people_import(data=csv_bytes(HEADER, "new@example.com,New Person,MAX@example.com,"))

    assert summary == ImportSummary(created=1, updated=0, unchanged=0)
    assert Person.objects.get(email="new@example.com").manager == manager


def test_a_file_without_a_role_column_leaves_hr_unchanged(hr, report):
    summary = people_import(
        data=csv_bytes(
            "email,name,manager_email",
            "hana@example.com,Hana Renamed,",
            "riya@example.com,Riya Report,max@example.com",
            "new@example.com,New Person,hana@example.com",
        )
    )

    assert summary == ImportSummary(created=1, updated=1, unchanged=1)
    hr.refresh_from_db()
    assert hr.name == "Hana Renamed"
    assert hr.is_hr
    assert not Person.objects.get(email="new@example.com").is_hr


def test_a_file_without_a_manager_column_leaves_managers_unchanged(report, manager):
    summary = people_import(data=csv_bytes("email,name", "riya@example.com,Riya Renamed"))

    assert summary == ImportSummary(created=0, updated=1, unchanged=0)
    report.refresh_from_db()
    assert report.name == "Riya Renamed"
    assert report.manager == manager


# All or nothing


@pytest.mark.parametrize(
    "bad_row",
    [
        "bad@example.com,Bad Row,nobody@example.com,",  # found only against the database
        "not-an-email,Bad Row,,",  # found while reading the file
    ],
)
def test_one_bad_row_means_nothing_is_written(top, bad_row):
    people, users = Person.objects.count(), User.objects.count()
    before = snapshot()

    problems_for(
        csv_bytes(
            HEADER,
            "ada@example.com,Ada Renamed,,hr",
            "good@example.com,Good Row,ada@example.com,",
            bad_row,
        )
    )

    assert Person.objects.count() == people
    assert User.objects.count() == users
    assert snapshot() == before


# Problems with reporting lines


def test_an_unknown_manager_is_reported(top):
    problem = only_problem(
        csv_bytes(
            HEADER,
            "lin@example.com,Lin,ada@example.com,",
            "sam@example.com,Sam,ghost@example.com,",
        )
    )

    assert problem.line == 3
    assert problem.column == "manager_email"
    assert "No person with email ghost@example.com" in problem.message
    assert str(problem).startswith("Line 3, manager_email: ")


def test_a_duplicate_email_names_the_first_line_whatever_its_case():
    problem = only_problem(
        csv_bytes(
            HEADER,
            "ada@example.com,Ada,,",
            "lin@example.com,Lin,ada@example.com,",
            "ADA@Example.com,Ada Again,,",
        )
    )

    assert problem.line == 4
    assert problem.column == "email"
    assert problem.message == "ada@example.com appears again (first on line 2)."


def test_a_cycle_within_the_file_is_reported_once_with_its_lines():
    problem = only_problem(
        csv_bytes(
            HEADER,
            "top@example.com,Top,,",
            "a@example.com,A,b@example.com,",
            "b@example.com,B,a@example.com,",
        )
    )

    assert problem.line == 3
    assert problem.column == "manager_email"
    assert "cycle" in problem.message
    assert "a@example.com" in problem.message
    assert "b@example.com" in problem.message
    assert "(lines 3, 4)" in problem.message
    assert not Person.objects.exists()


def test_a_cycle_formed_with_the_people_already_in_the_app_is_reported(report, manager, director):
    # Max manages Riya; the file puts Max under Riya.
    problem = only_problem(csv_bytes(HEADER, "max@example.com,Max Manager,riya@example.com,"))

    assert problem.line == 2
    assert problem.column == "manager_email"
    assert "cycle" in problem.message
    assert "max@example.com" in problem.message
    assert "riya@example.com" in problem.message
    manager.refresh_from_db()
    assert manager.manager == director


def test_a_longer_cycle_through_the_app_is_reported(report, top):
    # Ada is at the top, Riya three levels below her: Ada cannot report to Riya.
    problem = only_problem(csv_bytes(HEADER, "ada@example.com,Ada Top,riya@example.com,"))

    assert problem.line == 2
    assert "cycle" in problem.message
    for email in ("ada@", "dana@", "max@", "riya@"):
        assert email in problem.message


def test_a_person_cannot_be_their_own_manager():
    problem = only_problem(
        csv_bytes(HEADER, "ada@example.com,Ada,,", "lin@example.com,Lin,LIN@example.com,")
    )

    assert problem.line == 3
    assert problem.column == "manager_email"
    assert problem.message == "A person cannot be their own manager."


# Malformed lines


def test_a_line_with_the_wrong_number_of_fields_is_reported():
    problem = only_problem(csv_bytes(HEADER, "ada@example.com,Ada,,", "lin@example.com,Lin"))

    assert problem.line == 3
    assert problem.message == "Expected 4 fields, found 2."


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("not-an-email,Ada,,", "email", "'not-an-email' is not a valid email address."),
        (",Ada,,", "email", "The email is empty."),
        ("ada@example.com,,,", "name", "The name is empty."),
        ("ada@example.com,   ,,", "name", "The name is empty."),
        (
            "ada@example.com,Ada,boss@,",
            "manager_email",
            "'boss@' is not a valid email address.",
        ),
        ("ada@example.com,Ada,,Boss", "role", "Unknown role 'Boss'."),
    ],
)
def test_a_bad_value_is_reported_with_its_line_and_column(row, column, message):
    problem = only_problem(csv_bytes(HEADER, "lin@example.com,Lin,,", row))

    assert problem.line == 3
    assert problem.column == column
    assert problem.message.startswith(message)


@pytest.mark.parametrize(
    ("name", "column"),
    [
        ("Ada\rBcc: eve@example.com", "name"),
        ("Ada\nOkafor", "name"),
        ("Ada\tOkafor", "name"),
        ("Ada\x1bOkafor", "name"),
        ("Ada\u2028Okafor", "name"),
        ("Ada\x85Okafor", "name"),
    ],
    ids=["CR", "LF", "tab", "escape", "line separator", "NEL"],
)
def test_a_name_with_a_control_character_is_reported_with_its_line_and_column(name, column):
    row = "ada@example.com," + '"' + name + '"'
    problem = only_problem(csv_bytes("email,name", "lin@example.com,Lin", row))

    assert (problem.line, problem.column) == (3, column)
    assert problem.message.startswith("Line breaks, tabs and other control characters")
    assert not Person.objects.exists()


def test_an_attribute_with_a_control_character_is_reported():
    problem = only_problem(csv_bytes("email,name,attr:location", 'ada@example.com,Ada,"Ber\nlin"'))

    assert (problem.line, problem.column) == (2, "attr:location")


def test_a_name_over_120_characters_is_reported():
    problem = only_problem(csv_bytes(HEADER, f"ada@example.com,{'N' * 121},,"))

    assert problem.line == 2
    assert problem.column == "name"
    assert problem.message == "The name is 121 characters; at most 120."


def test_an_email_too_long_to_be_a_sign_in_is_reported_not_a_crash():
    # Valid as an address, but accounts are keyed by email and usernames hold 150 characters.
    email = "a" * 139 + "@example.com"

    problem = only_problem(csv_bytes(HEADER, f"{email},Ada,,"))

    assert problem.line == 2
    assert problem.column == "email"
    assert "151 characters" in problem.message
    assert not User.objects.exists()


def test_invalid_csv_quoting_is_reported_on_its_line():
    problem = only_problem(
        csv_bytes(HEADER, "ada@example.com,Ada,,", 'lin@example.com,"Lin" Chen,,')
    )

    assert problem.line == 3
    assert "not valid CSV" in problem.message


def test_an_unclosed_quote_is_reported():
    problem = only_problem(csv_bytes(HEADER, 'ada@example.com,"Ada,,'))

    assert "not valid CSV" in problem.message


def test_invalid_csv_quoting_in_the_header_is_reported_not_a_crash():
    problem = only_problem(csv_bytes('"email"x,name', "ada@example.com,Ada"))

    assert problem.line == 1
    assert "not valid CSV" in problem.message


# The header and the file as a whole


def test_a_missing_required_column_is_reported():
    problem = only_problem(csv_bytes("email,manager_email", "ada@example.com,"))

    assert problem.line == 1
    assert problem.message == "The required column 'name' is missing."


def test_an_unknown_column_is_reported_with_the_expected_ones():
    problem = only_problem(csv_bytes("email,name,department", "ada@example.com,Ada,R&D"))

    assert problem.line == 1
    assert problem.message.startswith("Unknown column 'department'.")
    assert "email, name, manager_email, role" in problem.message


def test_a_duplicated_column_is_reported_once():
    problem = only_problem(csv_bytes("email,name,Email", "ada@example.com,Ada,ada@example.com"))

    assert problem.line == 1
    assert problem.message == "The column 'email' appears more than once."


def test_an_empty_file_is_reported():
    problem = only_problem(b"")

    assert problem.line == 1
    assert problem.message == "The file is empty."


@pytest.mark.parametrize("data", [csv_bytes(HEADER), csv_bytes(HEADER, "", ",,,")])
def test_a_file_with_only_a_header_is_reported(data):
    problem = only_problem(data)

    assert problem.line == 2
    assert problem.message == "The file has a header but no people."


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["plain", "with-bom"])
def test_a_file_that_is_not_utf8_is_reported_on_the_line_of_the_bad_byte(bom):
    # The bad byte opens line 3: an offset off by the mark's 3 bytes would land on line 2.
    latin1_line = "Åsa@example.com,Åsa Berg,,\n".encode("latin-1")
    data = bom + csv_bytes(HEADER, "ada@example.com,Ada,,") + latin1_line

    problem = only_problem(data)

    assert problem.line == 3
    assert "not UTF-8" in problem.message


def test_a_file_with_nul_characters_is_reported_not_a_crash():
    # UTF-16 text without a byte order mark decodes as UTF-8 full of NULs.
    problem = only_problem(csv_bytes(HEADER, "ada@example.com,Ada,,", "lin@example.com,L\x00in,,"))

    assert problem.line == 3
    assert "not UTF-8" in problem.message
    assert not Person.objects.exists()


def test_a_utf16_file_is_reported_as_not_utf8():
    problem = only_problem(csv_bytes(HEADER, "ada@example.com,Ada,,").decode().encode("utf-16-le"))

    assert problem.line == 1
    assert "not UTF-8" in problem.message


def test_a_file_over_5_mib_is_refused():
    data = csv_bytes(HEADER, "ada@example.com,Ada,,")
    data += b" " * (MAX_BYTES + 1 - len(data))

    problem = only_problem(data)

    assert problem.line == 1
    assert f"{MAX_BYTES + 1:,} bytes" in problem.message
    assert "5 MiB" in problem.message


def test_a_file_of_exactly_5_mib_is_accepted():
    data = csv_bytes(HEADER, "ada@example.com,Ada,,")
    blank_line = b" " * 99_999 + b"\n"  # Whitespace-only lines are skipped.
    padding = MAX_BYTES - len(data)
    data += blank_line * (padding // len(blank_line)) + b"\n" * (padding % len(blank_line))
    assert len(data) == MAX_BYTES

    assert people_import(data=data).created == 1


def test_several_problems_are_all_reported_together_in_line_order():
    problems = problems_for(
        csv_bytes(
            HEADER,
            "ada@example.com,Ada,,",
            "not-an-email,Bad Email,,",
            "lin@example.com,,ada@example.com,",
            "kim@example.com,Kim,,wizard",
            "ADA@example.com,Ada Again,,",
            "sam@example.com,Sam",
        )
    )

    assert [(p.line, p.column) for p in problems] == [
        (3, "email"),
        (4, "name"),
        (5, "role"),
        (6, "email"),
        (7, None),
    ]


def test_line_problems_and_unknown_managers_are_reported_in_one_round():
    problems = problems_for(
        csv_bytes(
            HEADER,
            "sam@example.com,Sam,ghost@example.com,",
            "lin@example.com,,,",
            "kim@example.com,Kim,lin@example.com,",
        )
    )

    # Kim's manager, Lin, is named on a line with its own problem: not unknown.
    assert [str(p) for p in problems] == [
        "Line 2, manager_email: No person with email ghost@example.com in this file or in the app.",
        "Line 3, name: The name is empty.",
    ]


def test_a_duplicate_of_a_line_with_problems_is_still_a_duplicate():
    problems = problems_for(csv_bytes(HEADER, "sam@example.com,,,", "SAM@example.com,Sam,,"))

    assert [(p.line, p.column) for p in problems] == [(2, "name"), (3, "email")]
    assert "first on line 2" in problems[1].message


# The management command


def write_file(tmp_path, data: bytes):
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    return path


def test_the_command_imports_a_file_and_prints_the_summary(tmp_path):
    path = write_file(tmp_path, ORGANISATION)
    out, err = StringIO(), StringIO()

    call_command("import_people", str(path), stdout=out, stderr=err)

    assert "4 created, 0 updated, 0 unchanged." in out.getvalue()
    assert str(path) in out.getvalue()
    assert err.getvalue() == ""
    assert Person.objects.count() == 4


def test_the_command_prints_every_problem_and_fails_writing_nothing(tmp_path, top):
    path = write_file(
        tmp_path,
        csv_bytes(
            HEADER,
            "good@example.com,Good,ada@example.com,",
            "not-an-email,Bad Email,,",
            "lin@example.com,,ada@example.com,",
        ),
    )
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_people", str(path), stdout=out, stderr=err)

    assert "2 problem(s); nothing was imported" in str(caught.value)
    printed = err.getvalue().splitlines()
    assert printed == [
        "Line 3, email: 'not-an-email' is not a valid email address.",
        "Line 4, name: The name is empty.",
    ]
    assert list(Person.objects.values_list("email", flat=True)) == ["ada@example.com"]


def test_the_command_explains_a_missing_file(tmp_path):
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(CommandError) as caught:
        call_command("import_people", str(missing), stdout=StringIO(), stderr=StringIO())

    assert str(caught.value) == f"Cannot read {missing}: No such file or directory."


# Taking HR away


def test_a_file_leaving_nobody_as_hr_needs_a_confirmation(hr, report):
    data = csv_bytes("email,name,role", "hana@example.com,Hana People,engineer")

    with pytest.raises(PeopleImportNeedsConfirmation) as caught:
        people_import(data=data)

    assert caught.value.warnings == [
        "After this import nobody working here would be HR: nobody could import people, set "
        "levels or run calibration, nor undo this import."
    ]
    assert Person.objects.get(pk=hr.pk).is_hr
    people_import(data=data, confirmed=True)
    assert not Person.objects.get(pk=hr.pk).is_hr


def test_the_last_hr_person_leaving_through_the_import_needs_a_confirmation(hr):
    with pytest.raises(PeopleImportNeedsConfirmation):
        people_import(data=csv_bytes("email,name,active", "hana@example.com,Hana People,no"))


def test_taking_hr_from_someone_while_another_stays_needs_no_confirmation(hr, report):
    people_import(data=csv_bytes("email,name,role", "riya@example.com,Riya Report,hr"))

    summary = people_import(data=csv_bytes("email,name,role", "hana@example.com,Hana,engineer"))

    assert summary.updated == 1


def test_the_command_asks_for_confirm_before_leaving_nobody_as_hr(tmp_path, hr):
    path = write_file(tmp_path, csv_bytes("email,name,role", "hana@example.com,Hana,engineer"))
    err = StringIO()

    with pytest.raises(CommandError, match="run again with --confirm"):
        call_command("import_people", str(path), stdout=StringIO(), stderr=err)

    assert "nobody working here would be HR" in err.getvalue()
    call_command("import_people", str(path), "--confirm", stdout=StringIO(), stderr=err)
    assert not Person.objects.get(pk=hr.pk).is_hr
