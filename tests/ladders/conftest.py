"""Ladders for tests, built through the same services HR uses."""

import pytest

from ladders.ladder_format import CompetencyData, LadderData, LevelData, TrackData
from ladders.services.versions import draft_start, ladder_import, version_publish


def ladder_data(*, slug="engineering", tracks=2, levels=3, competencies=3, name="Engineering"):
    """A ladder with an IC track from grade 1 and management tracks starting at grade 2,
    every level stating an expectation for every competency.

    Codes: IC1, IC2... on the first track; M1, M2... on the second; T3L1... beyond."""
    comps = [
        CompetencyData(key=f"comp-{i}", name=f"Competency {i}", group=f"Group {i % 2}")
        for i in range(1, competencies + 1)
    ]
    track_list = []
    for t in range(tracks):
        kind = "ic" if t == 0 else "management"
        prefix = "IC" if t == 0 else "M" if t == 1 else f"T{t + 1}L"
        first_grade = 1 if t == 0 else 2
        track_list.append(
            TrackData(
                key=f"track-{t}" if t > 1 else kind,
                name="Individual contributor" if t == 0 else f"Management {t}",
                kind=kind,
                levels=[
                    LevelData(
                        code=f"{prefix}{n}",
                        title=f"{prefix} title {n}",
                        grade=first_grade + n - 1,
                        summary=f"Summary of {prefix}{n}.",
                        expectations={
                            c.key: f"At {prefix}{n}, {c.name.lower()} means scope {n}."
                            for c in comps
                        },
                    )
                    for n in range(1, levels + 1)
                ],
            )
        )
    return LadderData(
        slug=slug, name=name, description="How we grow.", competencies=comps, tracks=track_list
    )


def publish(data, note="First version."):
    return version_publish(version=ladder_import(data=data, user=None), user=None, note=note)


@pytest.fixture
def published(db):
    """Engineering version 1, published: IC1-IC3 (grades 1-3), M1-M3 (grades 2-4),
    competencies comp-1..comp-3."""
    return publish(ladder_data())


@pytest.fixture
def draft(published):
    """Version 2 of Engineering, a draft copied from version 1."""
    return draft_start(ladder=published.ladder, user=None)
