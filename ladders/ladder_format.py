"""The ladder file format, version 1 (docs/ladder-format.md), in YAML and CSV.

Both encodings are read into the same ``LadderData`` and checked by the same
rules, so an error reads the same in either; each value remembers where it came
from (a YAML path or a CSV line and column) so every error can say where it is.
Reading never touches the database: ``ladders.importing`` writes what was read.
"""

import csv
import io
import re
from dataclasses import dataclass, field

import yaml
from django.core.exceptions import ValidationError

from config.spreadsheets import read_cell, safe_row
from config.uploads import MAX_CSV_UPLOAD_BYTES, MAX_UPLOAD_BYTES
from ladders.models import Track, level_code_validator

FORMAT = "career-ladder/1"
MAX_BYTES = MAX_UPLOAD_BYTES  # YAML and JSON
# A CSV row repeats the ladder, track and level columns for every competency: the
# same ladder is about eight times larger as CSV, so a CSV file may be too.
MAX_CSV_BYTES = MAX_CSV_UPLOAD_BYTES
KEY_RE = re.compile(r"[a-z0-9-]{1,64}")
KINDS = tuple(Track.Kind.values)  # the format names the kinds the app knows
# Summaries and descriptions have no length limit of their own: let one CSV field
# be as large as a whole file may be (the csv module stops at 128 KiB by default).
csv.field_size_limit(MAX_CSV_BYTES)
LIMITS = {
    "competencies": (1, 100),
    "tracks": (1, 10),
    "levels": (1, 30),
}


@dataclass(frozen=True)
class FormatProblem:
    where: str
    message: str

    def __str__(self):
        return f"{self.where}: {self.message}"


class LadderFormatError(Exception):
    def __init__(self, problems: list[FormatProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class CompetencyData:
    key: str
    name: str
    description: str = ""
    group: str = ""
    # Where each value came from, for messages; not part of the ladder's content.
    where: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass
class LevelData:
    code: str
    title: str
    grade: int | None  # None only while reading a grade that was missing or not a number
    summary: str = ""
    expectations: dict[str, str] = field(default_factory=dict)
    # Where each value came from, for messages; not part of the ladder's content.
    where: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass
class TrackData:
    key: str
    name: str
    kind: str
    levels: list[LevelData] = field(default_factory=list)
    # Where each value came from, for messages; not part of the ladder's content.
    where: dict = field(default_factory=dict, compare=False, repr=False)


@dataclass
class LadderData:
    slug: str
    name: str
    description: str = ""
    competencies: list[CompetencyData] = field(default_factory=list)
    tracks: list[TrackData] = field(default_factory=list)
    # Where each value came from, for messages; not part of the ladder's content.
    where: dict = field(default_factory=dict, compare=False, repr=False)


# Reading ---------------------------------------------------------------------


def read_file(data: bytes, filename: str) -> LadderData:
    """By extension: .csv is CSV; .yaml, .yml and .json are YAML (JSON is YAML)."""
    if _is_csv(filename):
        return read_csv(data)
    return read_yaml(data)


def _is_csv(filename: str) -> bool:
    return filename.lower().endswith(".csv")


def max_bytes(filename: str) -> int:
    """The largest file of this name's encoding that may be imported."""
    return MAX_CSV_BYTES if _is_csv(filename) else MAX_BYTES


def check_size(size: int, limit: int) -> None:
    """Refuse a file of ``size`` bytes over ``limit``, before anything reads it."""
    if size > limit:
        encoding = "CSV" if limit == MAX_CSV_BYTES else "YAML and JSON"
        raise LadderFormatError(
            [
                FormatProblem(
                    "file",
                    f"is {size:,} bytes; the limit for {encoding} is {limit:,} "
                    f"({limit // 2**20} MiB). Shorten the longest texts, or leave out what "
                    "the ladder does not need.",
                )
            ]
        )


def _decode(data: bytes, limit: int) -> str:
    check_size(len(data), limit)
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        line = body[: error.start].count(b"\n") + 1
        raise LadderFormatError(
            [FormatProblem(f"line {line}", "is not valid UTF-8 text; save the file as UTF-8.")]
        ) from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise LadderFormatError(
            [FormatProblem(f"line {line}", "contains a NUL character; is the file UTF-16?")]
        )
    return text


def read_yaml(data: bytes) -> LadderData:
    text = _decode(data, MAX_BYTES)
    try:
        document, duplicates = _load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(error, "problem", None) or str(error)
        raise LadderFormatError([FormatProblem(where, f"is not valid YAML: {problem}.")]) from None
    except RecursionError:
        raise LadderFormatError(
            [FormatProblem("file", "nests too deeply to be a ladder.")]
        ) from None
    if duplicates:
        # Which of the two values was meant is anyone's guess: read nothing further.
        raise LadderFormatError(duplicates)
    _refuse_expansion_bombs(document)
    reader = _YamlReader()
    ladder = reader.read(document)
    problems = reader.problems + (check(ladder) if ladder else [])
    if problems or ladder is None:
        raise LadderFormatError(problems)
    return ladder


def _load(text: str):
    """The document, and every key that appears twice in one of its mappings."""
    loader = _SafeLoader(text)  # checks the characters first: may raise a YAMLError
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader (no tags, no objects), which also notes every key that
    appears twice in one mapping: plain PyYAML silently keeps the last."""

    def __init__(self, stream):
        super().__init__(stream)
        self.steps: list[str] = []  # the YAML path of the node being composed
        self.duplicates: list[FormatProblem] = []

    def compose_node(self, parent, index):
        # ``index`` is the key node of a mapping's value or the position in a list
        # (None for the document and for keys): one step of the path.
        if isinstance(index, yaml.ScalarNode):
            self.steps.append(f".{index.value}")
        else:
            self.steps.append(f"[{index}]" if isinstance(index, int) else "")
        try:
            return super().compose_node(parent, index)
        finally:
            self.steps.pop()

    def compose_mapping_node(self, anchor):
        node = super().compose_mapping_node(anchor)
        first_line: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 1
            if (key.tag, key.value) not in first_line:
                first_line[key.tag, key.value] = line
                continue
            self.duplicates.append(
                FormatProblem(
                    "".join([*self.steps, f".{key.value}"]).lstrip("."),
                    f"appears twice in the same mapping (lines {first_line[key.tag, key.value]} "
                    f"and {line}); keep one of them.",
                )
            )
        return node

    def construct_object(self, node, deep=False):
        # A scalar PyYAML matches but cannot build (a 5000-digit integer, the date
        # 2024-13-45) raises ValueError: make it an error at its place in the file.
        try:
            return super().construct_object(node, deep=deep)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value ({error})", node.start_mark
            ) from None

    def construct_scalar(self, node):
        value = super().construct_scalar(node)
        if "\0" in value:
            raise yaml.constructor.ConstructorError(
                None, None, "contains a NUL character (\\0)", node.start_mark
            )
        if _SURROGATE.search(value):
            # JSON writes characters beyond U+FFFF as escaped surrogate pairs
            # ("\\ud83d\\ude80"), which YAML reads as two halves: join them again.
            try:
                value = value.encode("utf-16", "surrogatepass").decode("utf-16")
            except UnicodeDecodeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "contains an unpaired surrogate escape", node.start_mark
                ) from None
        return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_expansion_bombs(document) -> None:
    """Aliases let a small file stand for a huge one ("billion laughs"). Walk the
    document as if expanded and give up once it outgrows the file size limit."""
    budget = MAX_BYTES
    stack = [document]
    while stack:
        node = stack.pop()
        budget -= len(node) + 1 if isinstance(node, str) else 8
        if budget < 0:
            raise LadderFormatError(
                [FormatProblem("file", "expands (through YAML aliases) beyond the 5 MiB limit.")]
            )
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


class _YamlReader:
    """Turns the parsed document into LadderData, noting wrong shapes and types."""

    def __init__(self):
        self.problems: list[FormatProblem] = []

    def problem(self, where, message):
        self.problems.append(FormatProblem(where, message))

    def read(self, document) -> LadderData | None:
        if not isinstance(document, dict):
            self.problem("file", "must be a mapping with format, ladder, competencies and tracks.")
            return None
        self.fields(document, "", {"format", "ladder", "competencies", "tracks"})
        if "format" not in document:
            self.problem("format", f"is missing; expected '{FORMAT}'.")
        elif document["format"] != FORMAT:
            self.problem("format", f"is {document['format']!r}; expected '{FORMAT}'.")
        ladder_doc = self.mapping(document, "ladder", "ladder")
        ladder = LadderData(slug="", name="")
        if ladder_doc is not None:
            self.fields(ladder_doc, "ladder.", {"slug", "name", "description"})
            ladder.slug = self.text(ladder_doc, "slug", "ladder.slug", ladder.where)
            ladder.name = self.text(ladder_doc, "name", "ladder.name", ladder.where)
            ladder.description = self.text(
                ladder_doc, "description", "ladder.description", ladder.where, required=False
            )
        for i, item in enumerate(self.sequence(document, "competencies", "competencies")):
            path = f"competencies[{i}]"
            if not self.is_mapping(item, path):
                continue
            self.fields(item, f"{path}.", {"key", "name", "description", "group"})
            competency = CompetencyData(key="", name="", where={"": path})
            competency.key = self.text(item, "key", f"{path}.key", competency.where)
            competency.name = self.text(item, "name", f"{path}.name", competency.where)
            competency.description = self.text(
                item, "description", f"{path}.description", competency.where, required=False
            )
            competency.group = self.text(
                item, "group", f"{path}.group", competency.where, required=False
            )
            ladder.competencies.append(competency)
        ladder.where["competencies"] = "competencies"
        for i, item in enumerate(self.sequence(document, "tracks", "tracks")):
            path = f"tracks[{i}]"
            if not self.is_mapping(item, path):
                continue
            self.fields(item, f"{path}.", {"key", "name", "kind", "levels"})
            track = TrackData(key="", name="", kind="", where={"": path})
            track.key = self.text(item, "key", f"{path}.key", track.where)
            track.name = self.text(item, "name", f"{path}.name", track.where)
            track.kind = self.text(item, "kind", f"{path}.kind", track.where)
            track.where["levels"] = f"{path}.levels"
            for j, level_doc in enumerate(self.sequence(item, "levels", f"{path}.levels")):
                track.levels.append(self.level(level_doc, f"{path}.levels[{j}]"))
            ladder.tracks.append(track)
        ladder.where["tracks"] = "tracks"
        return ladder

    def level(self, item, path) -> LevelData:
        level = LevelData(code="", title="", grade=None, where={"": path})
        if not self.is_mapping(item, path):
            return level
        self.fields(item, f"{path}.", {"code", "title", "grade", "summary", "expectations"})
        level.code = self.text(item, "code", f"{path}.code", level.where)
        level.title = self.text(item, "title", f"{path}.title", level.where)
        level.summary = self.text(item, "summary", f"{path}.summary", level.where, required=False)
        level.where["grade"] = f"{path}.grade"
        grade = item.get("grade")
        if grade is None:
            self.problem(f"{path}.grade", "is missing; expected a whole number from 1 to 99.")
        elif isinstance(grade, bool) or not isinstance(grade, int):
            self.problem(f"{path}.grade", f"is {grade!r}; expected a whole number from 1 to 99.")
        else:
            level.grade = grade
        expectations = item.get("expectations")
        if expectations is None:
            return level
        if not isinstance(expectations, dict):
            self.problem(f"{path}.expectations", "must be a mapping of competency key to text.")
            return level
        for key, text in expectations.items():
            where = f"{path}.expectations.{key}"
            if not isinstance(text, str):
                self.problem(where, f"is {_kind(text)}; expected Markdown text.")
                continue
            level.expectations[str(key)] = text
            level.where[f"expectations.{key}"] = where
        return level

    # Shape helpers: each notes a problem and returns a harmless value.

    def fields(self, item: dict, prefix: str, known: set[str]) -> None:
        for name in item:
            if name not in known:
                expected = ", ".join(sorted(known))
                self.problem(
                    f"{prefix}{name}", f"is not a field here; expected one of: {expected}."
                )

    def is_mapping(self, item, path) -> bool:
        if not isinstance(item, dict):
            self.problem(path, f"is {_kind(item)}; expected a mapping.")
            return False
        return True

    def mapping(self, parent: dict, name: str, path: str) -> dict | None:
        if name not in parent:
            self.problem(path, "is missing.")
            return None
        return parent[name] if self.is_mapping(parent[name], path) else None

    def sequence(self, parent: dict, name: str, path: str) -> list:
        if name not in parent:
            self.problem(path, "is missing; expected a list.")
            return []
        if not isinstance(parent[name], list):
            self.problem(path, f"is {_kind(parent[name])}; expected a list.")
            return []
        return parent[name]

    def text(self, item: dict, name: str, path: str, where: dict, required=True) -> str:
        where[name] = path
        value = item.get(name)
        if value is None:
            if required:
                self.problem(path, "is missing.")
            return ""
        if not isinstance(value, str):
            self.problem(path, f"is {_kind(value)}; expected text.")
            return ""
        if required and not value.strip():
            self.problem(path, "is empty; a value is required.")
            return ""
        return value


def _kind(value) -> str:
    if isinstance(value, bool):
        return f"a boolean ({value})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    return f"a {type(value).__name__}"


CSV_COLUMNS = (
    "ladder_slug",
    "ladder_name",
    "track_key",
    "track_name",
    "track_kind",
    "level_code",
    "level_title",
    "grade",
    "level_summary",
    "competency_key",
    "competency_name",
    "competency_group",
    "competency_description",
    "expectation",
)
CSV_OPTIONAL = ("level_summary", "competency_group", "competency_description", "expectation")
CSV_REQUIRED = tuple(column for column in CSV_COLUMNS if column not in CSV_OPTIONAL)


def read_csv(data: bytes) -> LadderData:  # noqa: C901
    text = _decode(data, MAX_CSV_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[FormatProblem] = []
    try:
        header = next(reader, None)
        if header is None:
            raise LadderFormatError([FormatProblem("line 1", "the file is empty.")])
        columns = [name.strip().lower() for name in header]
        for name in dict.fromkeys(columns):
            if name not in CSV_COLUMNS:
                problems.append(FormatProblem("line 1", f"unknown column '{name}'."))
            elif columns.count(name) > 1:
                problems.append(FormatProblem("line 1", f"the column '{name}' appears twice."))
        for name in CSV_REQUIRED:
            if name not in columns:
                problems.append(
                    FormatProblem("line 1", f"the required column '{name}' is missing.")
                )
        if problems:
            raise LadderFormatError(problems)
        builder = _CsvBuilder(problems)
        for fields in reader:
            if not any(value.strip() for value in fields):
                continue
            if len(fields) != len(columns):
                problems.append(
                    FormatProblem(
                        f"line {reader.line_num}",
                        f"has {len(fields)} values; the header has {len(columns)}.",
                    )
                )
                continue
            cells = [read_cell(value) for value in fields]  # spreadsheet-safe cells
            builder.add(reader.line_num, dict(zip(columns, cells, strict=True)))
    except csv.Error as error:
        problems.append(FormatProblem(f"line {reader.line_num}", f"is not valid CSV ({error})."))
        raise LadderFormatError(problems) from None
    if builder.ladder is None and not problems:
        problems.append(FormatProblem("line 2", "the file has a header but no rows."))
    if builder.ladder is not None:
        problems += check(builder.ladder)
    if problems or builder.ladder is None:
        raise LadderFormatError(problems)
    return builder.ladder


# Which CSV column carries each field; the first column names the item in messages.
TRACK_COLUMNS = {"key": "track_key", "name": "track_name", "kind": "track_kind"}
LEVEL_COLUMNS = {
    "code": "level_code",
    "title": "level_title",
    "grade": "grade",
    "summary": "level_summary",
    "track": "track_key",
}
COMPETENCY_COLUMNS = {
    "key": "competency_key",
    "name": "competency_name",
    "group": "competency_group",
    "description": "competency_description",
}


class _CsvBuilder:
    """Groups rows into the ladder, in order of first appearance, and notes rows
    that disagree about something an earlier row already said."""

    def __init__(self, problems):
        self.problems = problems
        self.ladder: LadderData | None = None
        # key -> (the item, its columns' values as its first row wrote them)
        self.seen: dict[str, dict] = {"ladder": {}, "track": {}, "level": {}, "competency": {}}
        self.cells: dict[tuple[str, str], int] = {}

    def add(self, line: int, row: dict[str, str]) -> None:  # noqa: C901
        def at(column):
            return f"line {line}, column {column}"

        def value(column):
            return row.get(column, "")

        def item(kind, key, columns, required, make):
            """The item ``key`` names; made from this row on its first appearance."""
            if key in self.seen[kind]:
                made, first = self.seen[kind][key]
                what = f"{kind} '{key}'" if key else f"the {kind}"
                for column, earlier in first.items():
                    self.agree(line, column, value(column), earlier, what)
                return made, False
            for column in required:
                if not value(column).strip():
                    self.problems.append(
                        FormatProblem(at(column), "is empty; a value is required.")
                    )
            made = make()
            made.where = {"": at(next(iter(columns.values())))}
            made.where |= {name: at(column) for name, column in columns.items()}
            self.seen[kind][key] = (made, {column: value(column) for column in columns.values()})
            return made, True

        ladder_columns = {"slug": "ladder_slug", "name": "ladder_name"}
        self.ladder, _ = item(
            "ladder",
            "",
            ladder_columns,
            ladder_columns.values(),
            lambda: LadderData(slug=value("ladder_slug"), name=value("ladder_name")),
        )

        track, new = item(
            "track",
            value("track_key"),
            TRACK_COLUMNS,
            TRACK_COLUMNS.values(),
            lambda: TrackData(
                key=value("track_key"), name=value("track_name"), kind=value("track_kind")
            ),
        )
        if new:
            track.where["levels"] = at("track_key")
            self.ladder.tracks.append(track)

        grade_text = value("grade").strip()
        grade = int(grade_text) if re.fullmatch(r"[+-]?\d{1,6}", grade_text) else None
        code = value("level_code")
        level, new = item(
            "level",
            code,
            LEVEL_COLUMNS,
            ("level_code", "level_title"),
            lambda: LevelData(
                code=code, title=value("level_title"), grade=grade, summary=value("level_summary")
            ),
        )
        if new:
            if grade is None:
                self.problems.append(
                    FormatProblem(at("grade"), f"is {grade_text!r}; expected a whole number.")
                )
            track.levels.append(level)

        key = value("competency_key")
        competency, new = item(
            "competency",
            key,
            COMPETENCY_COLUMNS,
            ("competency_key", "competency_name"),
            lambda: CompetencyData(
                key=key,
                name=value("competency_name"),
                group=value("competency_group"),
                description=value("competency_description"),
            ),
        )
        if new:
            self.ladder.competencies.append(competency)

        cell = (code, key)
        if cell in self.cells:
            self.problems.append(
                FormatProblem(
                    at("competency_key"),
                    f"level '{code}' and competency '{key}' already have a row "
                    f"(line {self.cells[cell]}).",
                )
            )
            return
        self.cells[cell] = line
        if value("expectation"):
            level.expectations[key] = value("expectation")
            level.where[f"expectations.{key}"] = at("expectation")

    def agree(self, line, column, value, earlier, what):
        if value != earlier:
            self.problems.append(
                FormatProblem(
                    f"line {line}, column {column}",
                    f"is {value!r}, but an earlier row says {earlier!r} for {what}.",
                )
            )


# Checking: the same rules whichever encoding the ladder came in -----------------


def check(ladder: LadderData) -> list[FormatProblem]:  # noqa: C901
    problems: list[FormatProblem] = []

    def problem(where, message):
        problems.append(FormatProblem(where, message))

    def key_like(item, name, value):
        if value and not KEY_RE.fullmatch(value):
            problem(
                item.where.get(name, name),
                f"{value!r} is not a valid key: use 1 to 64 of a-z, 0-9 and '-'.",
            )

    def length(item, name, value, low, high, required=True):
        if not value and not required:
            return
        if not value:
            return  # Missing required values were reported when reading.
        if not low <= len(value) <= high:
            problem(
                item.where.get(name, name),
                f"has {len(value)} characters; expected {low} to {high}.",
            )

    def count(items, name, where):
        low, high = LIMITS[name]
        if not low <= len(items) <= high:
            problem(where, f"has {len(items)} entries; expected {low} to {high}.")

    key_like(ladder, "slug", ladder.slug)
    length(ladder, "name", ladder.name, 1, 120)

    count(ladder.competencies, "competencies", ladder.where.get("competencies", "competencies"))
    seen_keys: dict[str, str] = {}
    for competency in ladder.competencies:
        key_like(competency, "key", competency.key)
        length(competency, "name", competency.name, 1, 120)
        length(competency, "group", competency.group, 1, 60, required=False)
        _unique(
            seen_keys, competency.key, competency.where.get("key", "key"), "competency key", problem
        )

    count(ladder.tracks, "tracks", ladder.where.get("tracks", "tracks"))
    track_keys: dict[str, str] = {}
    codes: dict[str, str] = {}
    known = {c.key for c in ladder.competencies}
    for track in ladder.tracks:
        key_like(track, "key", track.key)
        length(track, "name", track.name, 1, 120)
        if track.kind and track.kind not in KINDS:
            problem(
                track.where.get("kind", "kind"), f"is {track.kind!r}; expected ic or management."
            )
        _unique(track_keys, track.key, track.where.get("key", "key"), "track key", problem)
        count(track.levels, "levels", track.where.get("levels", "levels"))
        previous = None
        for level in track.levels:
            length(level, "code", level.code, 1, 16)
            try:
                level_code_validator(level.code)
            except ValidationError as error:
                problem(level.where.get("code", "code"), error.messages[0])
            length(level, "title", level.title, 1, 120)
            _unique(codes, level.code, level.where.get("code", "code"), "level code", problem)
            if level.grade is not None and not 1 <= level.grade <= 99:
                problem(level.where.get("grade", "grade"), f"is {level.grade}; expected 1 to 99.")
            if (
                previous is not None
                and level.grade is not None
                and previous.grade is not None
                and level.grade <= previous.grade
            ):
                problem(
                    level.where.get("grade", "grade"),
                    f"is {level.grade}, not above {previous.grade} of {previous.code}: grades "
                    "must strictly increase within a track.",
                )
            if level.grade is not None:
                previous = level
            for key, text in level.expectations.items():
                where = level.where.get(f"expectations.{key}", f"expectations.{key}")
                if key not in known:
                    problem(where, f"names the unknown competency '{key}'.")
                elif not 1 <= len(text) <= 10_000:
                    problem(where, f"has {len(text)} characters; expected 1 to 10000.")
    return problems


def _unique(seen: dict, value, where, what, problem):
    if not value:
        return
    if value in seen:
        problem(where, f"duplicates the {what} '{value}' first used at {seen[value]}.")
    else:
        seen[value] = where


# Writing -----------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper, value):
    # Multi-line Markdown reads best as a literal block. PyYAML writes NEL (U+0085)
    # raw in blocks and plain or single-quoted scalars and reads it back as a line
    # break: only double quotes escape it ("\\N").
    style = '"' if "\x85" in value else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def to_document(ladder: LadderData) -> dict:
    def optional(**values):
        return {name: value for name, value in values.items() if value}

    return {
        "format": FORMAT,
        "ladder": {
            "slug": ladder.slug,
            "name": ladder.name,
            **optional(description=ladder.description),
        },
        "competencies": [
            {"key": c.key, "name": c.name, **optional(description=c.description, group=c.group)}
            for c in ladder.competencies
        ],
        "tracks": [
            {
                "key": t.key,
                "name": t.name,
                "kind": t.kind,
                "levels": [
                    {
                        "code": level.code,
                        "title": level.title,
                        "grade": level.grade,
                        **optional(summary=level.summary, expectations=level.expectations),
                    }
                    for level in t.levels
                ],
            }
            for t in ladder.tracks
        ],
    }


def to_yaml(ladder: LadderData) -> str:
    return yaml.dump(
        to_document(ladder), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
    )


def to_csv(ladder: LadderData) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for track in ladder.tracks:
        for level in track.levels:
            for competency in ladder.competencies:
                writer.writerow(
                    safe_row(
                        [
                            ladder.slug,
                            ladder.name,
                            track.key,
                            track.name,
                            track.kind,
                            level.code,
                            level.title,
                            level.grade,
                            level.summary,
                            competency.key,
                            competency.name,
                            competency.group,
                            competency.description,
                            level.expectations.get(competency.key, ""),
                        ]
                    )
                )
    return buffer.getvalue()
