"""Load an organisation from CSV
(``email,name,manager_email,role[,ladder,level_code][,active]``), all or nothing.

Every problem in the file is collected and reported with its line number before
anything is written; a clean file is applied in one transaction. People are
matched by email, so importing the same file again changes nothing.
"""

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from config.text import has_control_characters
from config.uploads import MAX_UPLOAD_BYTES
from ladders.models import LadderVersion, Level
from people.models import LevelChange, Person, PersonAttribute
from people.permissions.people import decides_about, own_decision_refusal
from people.services.checkins import check_ins_cancel_outdated
from people.services.departures import person_deactivate, person_reactivate
from people.services.levels import change_dated
from people.services.reporting_lines import lock_reporting_lines

MAX_BYTES = MAX_UPLOAD_BYTES
REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("manager_email", "role", "ladder", "level_code", "active")
ATTRIBUTE_PREFIX = "attr:"
ATTRIBUTE_COLUMN = re.compile(r"attr:[a-z0-9][a-z0-9 _-]{0,39}")
ATTRIBUTE_VALUE_MAX = 120
ROLES = {"": False, "engineer": False, "manager": False, "hr": True}
# Whether the person works here: "no" records that they left, "yes" brings back
# someone who had; empty leaves them as they are.
ACTIVE = {"": None, "yes": True, "no": False}
CONTROL_CHARACTERS = (
    "Line breaks, tabs and other control characters are not allowed here: "
    "keep the value on one line."
)
LEFT_REASON = "Left the company (recorded by the people import)."


def _max_length(model, name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None, f"{model.__name__}.{name} has a max_length"
    return length


NAME_MAX_LENGTH = _max_length(Person, "name")
# The email is also the account's username, the shorter of the two columns.
EMAIL_MAX_LENGTH = min(_max_length(Person, "email"), _max_length(get_user_model(), "username"))


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    column: str | None = None

    def __str__(self):
        where = f"Line {self.line}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class PeopleImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


class PeopleImportNeedsConfirmation(Exception):
    """A clean file that would take HR away (the last HR person, or the importer's
    own flag): nothing was written; importing it again with ``confirmed`` applies it."""

    def __init__(self, warnings: list[str]):
        self.warnings = warnings
        super().__init__("\n".join(warnings))


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    left: int = 0  # people the file recorded as having left
    returned: int = 0  # people who had left and are back

    def __str__(self):
        moves = f" {self.left} left, {self.returned} back." if self.left or self.returned else ""
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged.{moves}"


@dataclass(frozen=True)
class Row:
    line: int
    email: str
    name: str
    manager_email: str | None  # None: the file has no manager_email column
    is_hr: bool | None  # None: the file has no role column
    level: tuple[str, str] | None = None  # (ladder slug, level code); None: leave as is
    active: bool | None = None  # None: leave as is
    # attribute name -> value; an empty value removes the attribute.
    attributes: dict[str, str] = field(default_factory=dict)


def people_import(*, data: bytes, by=None, at=None, confirmed: bool = False) -> ImportSummary:
    """Apply a people CSV, or raise PeopleImportError listing every problem, or
    PeopleImportNeedsConfirmation unless ``confirmed``. ``by`` (the importing user;
    None from the command line) and ``at`` (by default now) are recorded in the level
    history for the levels the file changes (never later than now)."""
    changed_at = change_dated(at)
    parsed = parse_people_csv(data)
    with transaction.atomic():
        lock_reporting_lines()
        existing = {p.email: p for p in Person.objects.all()}
        importer = Person.objects.filter(user=by).first() if by is not None else None
        levels = _current_levels_by_ref()
        problems = (
            parsed.problems
            + _check_managers(parsed, existing)
            + _check_departed_managers(parsed, existing)
            + _check_levels(parsed, levels)
            + _check_own_standing(parsed, existing, levels, importer)
        )
        if problems:
            raise PeopleImportError(problems)
        warnings = _hr_warnings(parsed, existing, importer)
        if warnings and not confirmed:
            raise PeopleImportNeedsConfirmation(warnings)
        return _apply(parsed.rows, existing, levels, by, importer, changed_at)


def _current_levels_by_ref() -> dict[tuple[str, str], Level]:
    """Runs one query. Every level of every ladder's newest published version."""
    current = LadderVersion.objects.current().values("pk")
    levels = Level.objects.filter(version__in=current).select_related("version__ladder")
    return {(level.version.ladder.slug, level.code): level for level in levels}


def _check_levels(parsed: "ParsedFile", levels: dict) -> list[Problem]:
    ladders = {slug for slug, _ in levels}
    problems = []
    for row in parsed.rows:
        if row.level is None or row.level in levels:
            continue
        slug, code = row.level
        if slug not in ladders:
            problems.append(
                Problem(row.line, f"No published ladder with the slug '{slug}'.", "ladder")
            )
        else:
            codes = ", ".join(sorted(c for s, c in levels if s == slug))
            problems.append(
                Problem(
                    row.line,
                    f"The ladder '{slug}' has no level '{code}'. Its levels: {codes}.",
                    "level_code",
                )
            )
    return problems


@dataclass(frozen=True)
class ParsedFile:
    rows: list[Row]  # the lines that are valid on their own
    problems: list[Problem]
    lines_by_email: dict[str, int]  # every email the file names, valid line or not


def parse_people_csv(data: bytes) -> ParsedFile:
    """Read and check the file on its own, without looking at the database.

    A file that cannot be read as a table at all (too big, not UTF-8, a bad
    header) raises at once; problems on single lines are collected."""
    if len(data) > MAX_BYTES:
        raise PeopleImportError(
            [Problem(1, f"The file is {len(data):,} bytes; the limit is {MAX_BYTES:,} (5 MiB).")]
        )
    not_utf8 = "The file is not UTF-8 text. Save it as 'CSV UTF-8' and try again."
    # Strip the byte order mark ourselves so error offsets count from the same bytes.
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise PeopleImportError([Problem(line, not_utf8)]) from None
    if "\0" in text:  # PostgreSQL text cannot hold NUL; UTF-16 without a BOM is full of them.
        line = text[: text.index("\0")].count("\n") + 1
        raise PeopleImportError([Problem(line, not_utf8)])

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    rows: list[Row] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None:
            raise PeopleImportError([Problem(1, "The file is empty.")])
        columns = _read_header(header, problems)
        # A quoted value may span lines: a person is named by the line they start on.
        starts_on = reader.line_num + 1
        for fields in reader:
            line, starts_on = starts_on, reader.line_num + 1
            if not any(field.strip() for field in fields):
                continue
            row = _read_row(line, fields, columns, problems)
            email = row.email if row else _email_on(fields, columns)
            if email in seen:
                problems.append(
                    Problem(line, f"{email} appears again (first on line {seen[email]}).", "email")
                )
                continue
            if email:
                seen[email] = line
            if row:
                rows.append(row)
    except csv.Error as error:
        problems.append(Problem(reader.line_num, f"This line is not valid CSV ({error})."))
    if not seen and not problems:
        problems.append(Problem(2, "The file has a header but no people."))
    return ParsedFile(rows, problems, seen)


def _email_on(fields: list[str], columns: list[str]) -> str | None:
    """The email of a line that has other problems, so it still counts as named."""
    if len(fields) != len(columns):
        return None
    return fields[columns.index("email")].strip().lower() or None


def _read_header(header: list[str], problems: list[Problem]) -> list[str]:
    columns = [name.strip().lower() for name in header]
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    for name in dict.fromkeys(columns):  # Each distinct column once, in order.
        if name.startswith(ATTRIBUTE_PREFIX) and not ATTRIBUTE_COLUMN.fullmatch(name):
            problems.append(
                Problem(
                    1,
                    f"The attribute column '{name}' needs a name of 1 to 40 letters, digits, "
                    "spaces, '-' or '_' after 'attr:', e.g. attr:location.",
                )
            )
        elif name not in known and not name.startswith(ATTRIBUTE_PREFIX):
            problems.append(
                Problem(
                    1,
                    f"Unknown column '{name}'. Expected columns: {', '.join(known)}, "
                    "or attributes as attr:<name>.",
                )
            )
        elif columns.count(name) > 1:
            problems.append(Problem(1, f"The column '{name}' appears more than once."))
    for name in REQUIRED_COLUMNS:
        if name not in columns:
            problems.append(Problem(1, f"The required column '{name}' is missing."))
    if problems:
        raise PeopleImportError(problems)
    return columns


def _read_row(line, fields, columns, problems) -> Row | None:  # noqa: C901
    if len(fields) != len(columns):
        problems.append(Problem(line, f"Expected {len(columns)} fields, found {len(fields)}."))
        return None
    values = {name: value.strip() for name, value in zip(columns, fields, strict=True)}
    before = len(problems)

    email = values["email"].lower()
    if not email:
        problems.append(Problem(line, "The email is empty.", "email"))
    elif not _is_email(email):
        problems.append(
            Problem(line, f"'{values['email']}' is not a valid email address.", "email")
        )
    elif len(email) > EMAIL_MAX_LENGTH:
        problems.append(
            Problem(
                line, f"The email is {len(email)} characters; at most {EMAIL_MAX_LENGTH}.", "email"
            )
        )

    name = values["name"]
    if not name:
        problems.append(Problem(line, "The name is empty.", "name"))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(
            Problem(line, f"The name is {len(name)} characters; at most {NAME_MAX_LENGTH}.", "name")
        )
    elif has_control_characters(name):
        # A name goes into mail subjects and headers: one line, nothing hidden.
        problems.append(Problem(line, CONTROL_CHARACTERS, "name"))

    manager_email = values.get("manager_email")
    if manager_email:
        manager_email = manager_email.lower()
        if not _is_email(manager_email):
            problems.append(
                Problem(
                    line,
                    f"'{values['manager_email']}' is not a valid email address.",
                    "manager_email",
                )
            )
        elif manager_email == email:
            problems.append(Problem(line, "A person cannot be their own manager.", "manager_email"))

    is_hr = _read_choice(
        values, "role", ROLES, line=line, problems=problems,
        hint="Use engineer, manager or hr (or leave it empty for engineer).",
    )  # fmt: skip
    active = _read_choice(
        values, "active", ACTIVE, line=line, problems=problems,
        hint="Use yes (works here), no (has left) or leave it empty to keep them as they are.",
    )  # fmt: skip

    level = None
    ladder, code = values.get("ladder", ""), values.get("level_code", "")
    if ladder and code:
        level = (ladder.lower(), code)
    elif ladder or code:
        missing = "level_code" if ladder else "ladder"
        problems.append(Problem(line, "Give both ladder and level_code, or neither.", missing))

    attributes = {}
    for column, value in values.items():
        if column.startswith(ATTRIBUTE_PREFIX):
            if len(value) > ATTRIBUTE_VALUE_MAX:
                problems.append(Problem(line, f"At most {ATTRIBUTE_VALUE_MAX} characters.", column))
            elif has_control_characters(value):
                problems.append(Problem(line, CONTROL_CHARACTERS, column))
            attributes[column.removeprefix(ATTRIBUTE_PREFIX)] = value

    if len(problems) > before:
        return None
    return Row(line, email, name, manager_email, is_hr, level, active, attributes)


def _read_choice(values, column, choices, *, line, problems, hint):
    """The value of a column of fixed choices, or None without the column."""
    if column not in values:
        return None
    value = values[column].lower()
    if value not in choices:
        problems.append(Problem(line, f"Unknown {column} '{values[column]}'. {hint}", column))
    return choices.get(value)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _check_managers(parsed: ParsedFile, existing: dict[str, Person]) -> list[Problem]:
    """Unknown managers and cycles, judged on the organisation as it would be afterwards."""
    by_pk = {p.pk: p.email for p in existing.values()}
    manager_of = {
        email: by_pk.get(p.manager_id) if p.manager_id else None for email, p in existing.items()
    }
    for row in parsed.rows:
        if row.manager_email is None:
            manager_of.setdefault(row.email, None)
        else:
            manager_of[row.email] = row.manager_email or None
    problems = []
    for row in parsed.rows:
        # A manager named on a line with its own problem is not unknown: that line's
        # problem is reported, and fixing it fixes this one.
        named = row.manager_email in manager_of or row.manager_email in parsed.lines_by_email
        if row.manager_email and not named:
            problems.append(
                Problem(
                    row.line,
                    f"No person with email {row.manager_email} in this file or in the app.",
                    "manager_email",
                )
            )
    for cycle in _cycles(manager_of):
        lines = sorted(
            parsed.lines_by_email[email] for email in cycle if email in parsed.lines_by_email
        )
        if not lines:
            continue  # A cycle the file did not touch cannot exist: the app refuses them.
        loop = " → ".join([*cycle, cycle[0]])
        problems.append(
            Problem(
                lines[0],
                f"These reporting lines make a cycle: {loop} (lines {', '.join(map(str, lines))}).",
                "manager_email",
            )
        )
    return problems


def _check_departed_managers(parsed: ParsedFile, existing: dict[str, Person]) -> list:
    """Nobody is newly put under someone who has left (or leaves in this file). A line
    that keeps a manager who left is accepted: the app lists it for HR to fix."""
    has_left = {email: p.has_left for email, p in existing.items()}
    has_left.update({row.email: not row.active for row in parsed.rows if row.active is not None})
    problems = []
    for row in parsed.rows:
        person, manager = existing.get(row.email), existing.get(row.manager_email or "")
        unchanged = person is not None and manager is not None and person.manager_id == manager.pk
        if row.manager_email and has_left.get(row.manager_email) and not unchanged:
            problems.append(
                Problem(
                    row.line,
                    f"{row.manager_email} has left the company: choose someone who still "
                    "works here.",
                    "manager_email",
                )
            )
    return problems


def _check_own_standing(parsed: ParsedFile, existing: dict, levels: dict, importer) -> list:
    """The importer's own line may not change their level nor record their departure,
    as nobody decides about themselves: another HR person does it."""
    if importer is None:  # The command line: whoever runs it answers for the file.
        return []
    problems = []
    for row in parsed.rows:
        person = existing.get(row.email)
        if person is None or decides_about(importer, person):
            continue
        level = levels.get(row.level) if row.level else None
        if level is not None and level.pk != person.level_id:
            refusal = own_decision_refusal("change your own level")
            problems.append(Problem(row.line, refusal, "level_code"))
        if row.active is False:
            refusal = own_decision_refusal("record your own departure")
            problems.append(Problem(row.line, refusal, "active"))
    return problems


def _hr_warnings(parsed: ParsedFile, existing: dict[str, Person], importer) -> list[str]:
    """What HR should confirm before the file applies: it takes the importer's own HR
    flag away, or leaves nobody working here as HR (and nobody to undo it)."""
    warnings = []
    before = {email: person.is_hr and not person.has_left for email, person in existing.items()}
    after = dict(before)
    for row in parsed.rows:
        person = existing.get(row.email)
        is_hr = (person.is_hr if person else False) if row.is_hr is None else row.is_hr
        has_left = (person.has_left if person else False) if row.active is None else not row.active
        after[row.email] = is_hr and not has_left
        if importer is not None and row.email == importer.email and importer.is_hr and not is_hr:
            own = "This line takes away your own HR flag: you would no longer reach HR's pages."
            warnings.append(str(Problem(row.line, own, "role")))
    if any(before.values()) and not any(after.values()):
        warnings.append(
            "After this import nobody working here would be HR: nobody could import people, "
            "set levels or run calibration, nor undo this import."
        )
    return warnings


def _cycles(manager_of: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in the manager graph, each listed once, from a walk up from each person."""
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in manager_of:
        path: list[str] = []
        on_path: dict[str, int] = {}
        current: str | None = start
        while current is not None and current not in done and current not in on_path:
            on_path[current] = len(path)
            path.append(current)
            current = manager_of.get(current)
        if current is not None and current in on_path:
            cycles.append(path[on_path[current] :])
        done.update(path)
    return cycles


def _apply(rows: list[Row], existing: dict[str, Person], levels: dict, by, importer, at):
    User = get_user_model()
    new_rows = [row for row in rows if row.email not in existing]
    if new_rows:
        # Someone may already have an account (an admin, say) without a person.
        users = {
            u.username: u for u in User.objects.filter(username__in=[r.email for r in new_rows])
        }
        unusable = make_password(None)
        User.objects.bulk_create(
            User(username=r.email, email=r.email, password=unusable)
            for r in new_rows
            if r.email not in users
        )
        users = {
            u.username: u for u in User.objects.filter(username__in=[r.email for r in new_rows])
        }
        created = Person.objects.bulk_create(
            Person(user=users[r.email], name=r.name, email=r.email, is_hr=bool(r.is_hr))
            for r in new_rows
        )
        existing.update({p.email: p for p in created})

    changed = set()
    history = []
    for row in rows:
        person = existing[row.email]
        manager_id = person.manager_id
        if row.manager_email is not None:
            manager_id = existing[row.manager_email].pk if row.manager_email else None
        level_id = levels[row.level].pk if row.level else person.level_id
        if level_id is not None and level_id != person.level_id:
            history.append(
                LevelChange(
                    person=person,
                    level_id=level_id,
                    previous_level_id=person.level_id,
                    source=LevelChange.Source.IMPORT,
                    changed_by=by,
                    changed_at=at,
                )
            )
        wanted = {
            "name": row.name,
            "is_hr": person.is_hr if row.is_hr is None else row.is_hr,
            "manager_id": manager_id,
            "level_id": level_id,
        }
        for attr, value in wanted.items():
            if getattr(person, attr) != value:
                setattr(person, attr, value)
                changed.add(row.email)
    new_emails = {r.email for r in new_rows}
    to_update = [existing[email] for email in changed]
    now = timezone.now()  # bulk_update does not run auto_now.
    for person in to_update:
        person.updated_at = now
    if to_update:
        Person.objects.bulk_update(
            to_update, ["name", "is_hr", "manager_id", "level_id", "updated_at"]
        )
    LevelChange.objects.bulk_create(history)
    # A new manager or level outdates an open check-in (departures do it themselves).
    check_ins_cancel_outdated(involving=[person.pk for person in to_update])
    changed |= _apply_attributes(rows, existing)
    left, returned = _apply_departures(rows, existing, importer)
    changed |= left | returned
    updated = len(changed - new_emails)
    return ImportSummary(
        created=len(new_rows),
        updated=updated,
        unchanged=len(rows) - len(new_rows) - updated,
        left=len(left),
        returned=len(returned),
    )


def _apply_departures(rows: list[Row], existing: dict[str, Person], importer):
    """Record who left and who came back, as HR does on a person's page; returns the
    emails of each."""
    left, returned = set(), set()
    for row in rows:
        person = existing[row.email]
        if row.active is False and not person.has_left:
            person_deactivate(person=person, by=importer, reason=LEFT_REASON)
            left.add(row.email)
        elif row.active and person.has_left:
            person_reactivate(person=person)
            returned.add(row.email)
    return left, returned


def _apply_attributes(rows: list[Row], existing: dict[str, Person]) -> set[str]:
    """Write the file's attribute columns; returns the emails whose attributes changed."""
    people = {existing[row.email].pk: row for row in rows if row.attributes}
    current = {
        (a.person_id, a.name): a for a in PersonAttribute.objects.filter(person_id__in=people)
    }
    create, update, remove, changed = [], [], [], set()
    for person_id, row in people.items():
        for name, value in row.attributes.items():
            attribute = current.get((person_id, name))
            if attribute is None and value:
                create.append(PersonAttribute(person_id=person_id, name=name, value=value))
            elif attribute is not None and not value:
                remove.append(attribute.pk)
            elif attribute is not None and attribute.value != value:
                attribute.value = value
                update.append(attribute)
            else:
                continue
            changed.add(row.email)
    PersonAttribute.objects.bulk_create(create)
    PersonAttribute.objects.bulk_update(update, ["value"])
    PersonAttribute.objects.filter(pk__in=remove).delete()
    return changed
