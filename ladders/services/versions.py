"""Writes to ladder versions: drafts, publishing, and moving content in and out
of the file format. Every function is atomic; rules a person can break come
back as ``LadderError`` with a message for them."""

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.dispatch import Signal
from django.utils import timezone

from ladders.ladder_format import CompetencyData, LadderData, LevelData, TrackData
from ladders.models import Competency, Expectation, Ladder, LadderVersion, Level, Track

# Sent inside the publishing transaction with ``version`` and ``previous`` (the
# version it replaces, or None). The people app moves current levels along.
version_published = Signal()

CHANGE_NOTE_MAX = 2000


class LadderError(Exception):
    """A ladder change refused for a reason the person can act on."""


class DraftGone(LadderError):
    """The draft a change was meant for is no longer the draft: it was published or
    discarded since the person opened their page. Nothing of the change was written."""

    def __init__(self, number: int | None = None, *, published: bool = False):
        if number is None:
            what = "This ladder has no draft any more: it was published or discarded"
        elif published:
            what = f"Version {number} is already published: it was published"
        else:
            what = f"Draft version {number} was discarded"
        super().__init__(
            f"{what} since you opened this page, so nothing was changed. Check the ladder "
            "as it is now, and make your change again if it is still needed."
        )


class DraftChanged(LadderError):
    """The draft was edited since the person's page showed it (or discarded and
    started again under the same number): acting on it would act on what they did
    not see."""

    def __init__(self, number: int):
        super().__init__(
            f"Draft version {number} changed since you opened this page, so nothing was "
            "done. Look at it as it is now, then try again."
        )


def locked_draft(version: LadderVersion, *, seen: uuid.UUID | None = None) -> LadderVersion:
    """Runs one query; call inside a transaction. The draft's row, fresh and locked
    until the transaction ends: a publication, a discard and every edit take this
    lock, so none slips in between this check and the write. The second waits, then
    is refused cleanly. ``seen``, the stamp a person's page showed, must still be
    the draft's."""
    current = LadderVersion.objects.select_for_update().filter(pk=version.pk).first()
    if current is None or not current.is_draft:
        raise DraftGone(version.number, published=current is not None)
    if seen is not None and current.stamp != seen:
        raise DraftChanged(current.number)
    return current


def edited_draft(version: LadderVersion) -> LadderVersion:
    """Runs two queries; call inside a transaction, before an edit of the draft. The
    draft locked as ``locked_draft`` does, with a new stamp: a page that showed it
    before this edit can no longer publish or discard it. ``version`` takes the new
    stamp too, for the page that answers the edit."""
    current = locked_draft(version)
    current.stamp = version.stamp = uuid.uuid4()
    current.save(update_fields=["stamp"])
    return current


def ladder_data(version: LadderVersion) -> LadderData:
    """Runs four queries. The version's whole content, as the file format sees it."""
    competencies = list(version.competencies.order_by("position", "pk"))
    keys = {c.pk: c.key for c in competencies}
    expectations = Prefetch("expectations", queryset=Expectation.objects.order_by("pk"))
    levels = Prefetch(
        "levels", queryset=Level.objects.order_by("grade").prefetch_related(expectations)
    )
    tracks = version.tracks.order_by("position", "pk").prefetch_related(levels)
    return LadderData(
        slug=version.ladder.slug,
        name=version.name,
        description=version.description,
        competencies=[
            CompetencyData(key=c.key, name=c.name, description=c.description, group=c.group)
            for c in competencies
        ],
        tracks=[
            TrackData(
                key=track.key,
                name=track.name,
                kind=track.kind,
                levels=[
                    LevelData(
                        code=level.code,
                        title=level.title,
                        grade=level.grade,
                        summary=level.summary,
                        expectations={
                            keys[e.competency_id]: e.text for e in level.expectations.all()
                        },
                    )
                    for level in track.levels.all()
                ],
            )
            for track in tracks
        ],
    )


def ladder_import(*, data: LadderData, user) -> LadderVersion:
    """A new ladder's first draft, or a new draft of an existing ladder. Never
    touches a published version; refuses while the ladder already has a draft."""
    with transaction.atomic():
        ladder, created = Ladder.objects.select_for_update().get_or_create(slug=data.slug)
        if not created:
            draft = ladder.versions.drafts().first()
            if draft is not None:
                raise LadderError(
                    f"{draft.name} already has a draft (version {draft.number}). Publish or "
                    "discard it before importing a new one."
                )
        previous = ladder.versions.newest()
        return _new_draft(ladder, data, based_on=previous, user=user)


def _new_draft(ladder: Ladder, data: LadderData, *, based_on, user) -> LadderVersion:
    """The next version number, holding ``data``, as a draft."""
    number = (ladder.versions.aggregate(highest=Max("number"))["highest"] or 0) + 1
    version = LadderVersion.objects.create(
        ladder=ladder,
        number=number,
        name=data.name,
        description=data.description,
        based_on=based_on,
        created_by=user,
    )
    _write_content(version, data)
    return version


def _write_content(version: LadderVersion, data: LadderData) -> None:
    competencies = Competency.objects.bulk_create(
        Competency(
            version=version,
            key=c.key,
            name=c.name,
            description=c.description,
            group=c.group,
            position=i,
        )
        for i, c in enumerate(data.competencies)
    )
    by_key = {c.key: c for c in competencies}
    tracks = Track.objects.bulk_create(
        Track(version=version, key=t.key, name=t.name, kind=t.kind, position=i)
        for i, t in enumerate(data.tracks)
    )
    pairs = [
        (level_data, track)
        for track, t in zip(tracks, data.tracks, strict=True)
        for level_data in t.levels
    ]
    levels = Level.objects.bulk_create(
        Level(
            version=version,
            track=track,
            code=d.code,
            title=d.title,
            grade=d.grade,  # type: ignore[misc]  # every grade is set once check() passed
            summary=d.summary,
        )
        for d, track in pairs
    )
    Expectation.objects.bulk_create(
        Expectation(version=version, level=level, competency=by_key[key], text=text)
        for level, (d, _) in zip(levels, pairs, strict=True)
        for key, text in d.expectations.items()
    )


def draft_start(*, ladder: Ladder, user) -> LadderVersion:
    """A draft that starts as a copy of the newest published version."""
    with transaction.atomic():
        # None when the ladder's only draft was discarded meanwhile, taking the ladder.
        locked = Ladder.objects.select_for_update().filter(pk=ladder.pk).first()
        existing = locked.versions.drafts().first() if locked else None
        if existing is not None:
            return existing
        current = locked.versions.newest() if locked else None
        if locked is None or current is None:
            raise LadderError("This ladder has nothing published to start a draft from.")
        return _new_draft(locked, ladder_data(current), based_on=current, user=user)


def draft_discard(*, version: LadderVersion, seen: uuid.UUID | None = None) -> None:
    """Delete the draft and its content; a ladder left with no version at all goes
    too. Waits for an edit in progress, and refuses a draft published or discarded
    meanwhile."""
    with transaction.atomic():
        # The ladder first, as importing and starting a draft lock it: nobody adds a
        # draft to a ladder this is about to delete.
        ladder = Ladder.objects.select_for_update().filter(pk=version.ladder_id).first()
        if ladder is None:
            raise DraftGone(version.number)
        locked_draft(version, seen=seen).delete()
        if not ladder.versions.exists():
            ladder.delete()


def version_publish(
    *, version: LadderVersion, user, note: str, seen: uuid.UUID | None = None
) -> LadderVersion:
    """Freeze the draft as the ladder's newest published version. ``seen``: the stamp
    of the draft the person previewed (None where no page is involved: an import
    command, the demo)."""
    note = note.strip()
    if not note:
        raise LadderError("Write a change note: readers see it in the version history.")
    if len(note) > CHANGE_NOTE_MAX:
        raise LadderError(f"The change note has {len(note)} characters; at most {CHANGE_NOTE_MAX}.")
    with transaction.atomic():
        version = locked_draft(version, seen=seen)
        for problem in publish_blockers(version):
            raise LadderError(problem)
        previous = version.ladder.versions.newest()
        version.status = LadderVersion.Status.PUBLISHED
        version.published_by = user
        version.published_at = timezone.now()
        version.change_note = note
        try:
            version.save(update_fields=["status", "published_by", "published_at", "change_note"])
        except IntegrityError as error:  # pragma: no cover - guarded by the lock above
            raise LadderError("This draft changed while publishing; try again.") from error
        version_published.send(sender=LadderVersion, version=version, previous=previous)
    return version


def publish_blockers(version: LadderVersion) -> list[str]:
    """Runs three queries. What stops this draft from being published, if anything."""
    blockers = []
    if not version.competencies.exists():
        blockers.append("Add at least one competency before publishing.")
    if not version.tracks.exists():
        blockers.append("Add at least one track before publishing.")
    empty = version.tracks.filter(levels__isnull=True).values_list("name", flat=True)
    blockers += [f"The track “{name}” has no levels yet." for name in empty]
    return blockers
