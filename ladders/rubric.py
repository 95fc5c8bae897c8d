"""Reading a version for display: the rubric grid, levels side by side by grade,
competencies in their groups. A fixed handful of queries, whatever the size."""

from dataclasses import dataclass, field
from itertools import groupby

from ladders.models import Competency, Expectation, LadderVersion, Level, Track


@dataclass
class GradeRow:
    grade: int
    cells: list  # one Level or None per track, in track order
    tracks: list  # the tracks, in the same order

    @property
    def by_track(self) -> list[tuple[Track, Level | None]]:
        """Each cell with its track: an empty cell still says which track it is on."""
        return list(zip(self.tracks, self.cells, strict=True))


@dataclass
class Rubric:
    version: LadderVersion
    tracks: list[Track]
    competencies: list[Competency]
    levels: list[Level]  # by track order, then grade
    texts: dict[tuple[int, int], Expectation] = field(default_factory=dict)

    @property
    def grade_rows(self) -> list[GradeRow]:
        """One row per grade any track has; equivalent levels stand on the same row."""
        by_track_grade = {(level.track_id, level.grade): level for level in self.levels}
        grades = sorted({level.grade for level in self.levels})
        return [
            GradeRow(grade, [by_track_grade.get((t.pk, grade)) for t in self.tracks], self.tracks)
            for grade in grades
        ]

    @property
    def groups(self) -> list[tuple[str, list[Competency]]]:
        """Competencies under their group headings, keeping the display order."""
        return [
            (name, list(items)) for name, items in groupby(self.competencies, lambda c: c.group)
        ]

    def level(self, code: str) -> Level | None:
        return next((level for level in self.levels if level.code == code), None)

    def levels_of(self, track: Track) -> list[Level]:
        return [level for level in self.levels if level.track_id == track.pk]

    def expectation(self, level: Level, competency: Competency) -> Expectation | None:
        return self.texts.get((level.pk, competency.pk))

    def equivalents(self, level: Level) -> list[Level]:
        """Levels of the same grade on the other tracks: lateral moves."""
        return [o for o in self.levels if o.grade == level.grade and o.track_id != level.track_id]

    def next_on_track(self, level: Level) -> Level | None:
        above = [o for o in self.levels_of(level.track) if o.grade > level.grade]
        return above[0] if above else None

    def load_texts(self, *, levels=None, competency=None) -> None:
        """Runs one query: the expectations of ``levels`` (all when None), or of one
        ``competency``. A page about one or two levels reads only theirs: the whole
        grid of a large ladder is 36 levels x 20 competencies."""
        expectations = Expectation.objects.filter(version=self.version)
        if levels is not None:
            expectations = expectations.filter(level__in=levels)
        if competency is not None:
            expectations = expectations.filter(competency=competency)
        self.texts = {(e.level_id, e.competency_id): e for e in expectations}

    def previous_on_track(self, level: Level) -> Level | None:
        below = [o for o in self.levels_of(level.track) if o.grade < level.grade]
        return below[-1] if below else None


def load_rubric(version: LadderVersion, *, texts=True, competency=None) -> Rubric:
    """Runs three queries, plus one for expectations when ``texts`` (only those of
    ``competency`` when given)."""
    tracks = list(version.tracks.order_by("position", "pk"))
    position = {t.pk: i for i, t in enumerate(tracks)}
    levels = sorted(
        Level.objects.filter(version=version),
        key=lambda level: (position[level.track_id], level.grade),
    )
    by_pk = {t.pk: t for t in tracks}
    for level in levels:
        level.track = by_pk[level.track_id]  # saves a query per level
    competencies = list(version.competencies.order_by("position", "pk"))
    rubric = Rubric(version, tracks, competencies, levels)
    if texts:
        rubric.load_texts(competency=competency)
    return rubric
