"""Ladders and their versions. A ladder's content (competencies, tracks, levels,
expectations) lives in a version: HR edits the one draft, publishing freezes it.
Frozen means frozen in the database too: triggers refuse any write to a
published version or its content, whatever code path tries."""

import uuid

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

KEY_PATTERN = r"^[a-z0-9-]{1,64}$"
key_validator = RegexValidator(
    KEY_PATTERN, "Use 1 to 64 lower-case letters, digits and hyphens (e.g. technical-craft)."
)
MIN_GRADE, MAX_GRADE = 1, 99


def level_code_validator(code: str) -> None:
    """A level code may hold any character, but "." and ".." alone are path segments
    that browsers and servers resolve away ("this folder", "the folder above"): the
    level's page address would never reach it."""
    if code in (".", ".."):
        raise ValidationError(
            f"“{code}” cannot be a level code: in a page address it means "
            f"{'this folder' if code == '.' else 'the folder above'}, so the level's page "
            "could never be opened. Use letters or digits, such as IC1."
        )


# One function body serves every content table: each row carries its version_id.
_REFUSE_PUBLISHED_CONTENT = """
    IF EXISTS (
        SELECT 1 FROM ladders_ladderversion v
        WHERE v.status = 'published'
          AND v.id IN (
              CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE OLD.version_id END,
              CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.version_id END
          )
    ) THEN
        RAISE EXCEPTION 'A published ladder version cannot be changed (% on %).',
            TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
"""


def _frozen_with_version(name):
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
        func=_REFUSE_PUBLISHED_CONTENT,
    )


class LadderQuerySet(models.QuerySet):
    def with_name(self):
        """Annotates ``name``: its newest published version's, the name people read
        (the slug where nothing is published yet). One subquery, no query per ladder."""
        return self.annotate(name=Coalesce(newest_name(models.OuterRef("pk")), models.F("slug")))


def newest_name(ladder):
    """A subquery: the name of the newest published version of ``ladder`` (an OuterRef)."""
    return models.Subquery(
        LadderVersion.objects.published()
        .filter(ladder=ladder)
        .order_by("-number")
        .values("name")[:1]
    )


class Ladder(models.Model):
    """The stable identity of a ladder; everything people read is in its versions."""

    slug = models.CharField(max_length=64, unique=True, validators=[key_validator])
    allow_multi_level_jumps = models.BooleanField(
        default=False,
        help_text="Let people request a promotion more than one level up (flagged for review).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LadderQuerySet.as_manager()

    def __str__(self):
        """Its name where annotated (``with_name()``), else its slug."""
        return getattr(self, "name", None) or self.slug


class LadderVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=LadderVersion.Status.PUBLISHED)

    def drafts(self):
        return self.filter(status=LadderVersion.Status.DRAFT)

    def newest(self):
        """Runs one query. The newest published version among these, or None."""
        return self.published().order_by("-number").first()

    def newest_for(self, ladder):
        """Runs one query. The newest published version of ``ladder`` (or a ladder's
        id), or None: what people read and what proposals are pinned to."""
        return self.filter(ladder_id=getattr(ladder, "pk", ladder)).newest()

    def current(self):
        """The newest published version of each ladder (PostgreSQL DISTINCT ON)."""
        return self.published().order_by("ladder_id", "-number").distinct("ladder_id")


class LadderVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    # A new value with every edit of the draft. A form that publishes or discards names
    # the stamp its page showed, so it never acts on edits nobody saw, nor on a draft
    # that was discarded and started again under the same number.
    stamp = models.UUIDField(default=uuid.uuid4, editable=False)

    objects = LadderVersionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ladder", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["ladder"], condition=Q(status="draft"), name="one_draft_per_ladder"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(published_at__isnull=False) & ~Q(change_note="")),
                name="published_version_has_date_and_note",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="published_version_is_frozen",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="published"),
            )
        ]

    def __str__(self):
        return f"{self.name} v{self.number} ({self.get_status_display().lower()})"

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT


class Competency(models.Model):
    version = models.ForeignKey(
        LadderVersion, on_delete=models.CASCADE, related_name="competencies"
    )
    key = models.CharField(max_length=64, validators=[key_validator])
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    group = models.CharField(max_length=60, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        verbose_name_plural = "competencies"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="competency_key_unique"),
        ]
        triggers = [_frozen_with_version("competency_frozen_when_published")]

    def __str__(self):
        return self.name


class Track(models.Model):
    class Kind(models.TextChoices):
        IC = "ic", "Individual contributor"
        MANAGEMENT = "management", "Management"

    version = models.ForeignKey(LadderVersion, on_delete=models.CASCADE, related_name="tracks")
    key = models.CharField(max_length=64, validators=[key_validator])
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind)
    position = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="track_key_unique"),
        ]
        triggers = [_frozen_with_version("track_frozen_when_published")]

    def __str__(self):
        return self.name


class Level(models.Model):
    """A rung of one track. Levels of a track are ordered by grade, which is strictly
    increasing by construction (unique per track); equal grades across tracks are
    equivalent roles."""

    version = models.ForeignKey(LadderVersion, on_delete=models.CASCADE, related_name="levels")
    track = models.ForeignKey(Track, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(max_length=16)
    title = models.CharField(max_length=120)
    grade = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(MIN_GRADE), MaxValueValidator(MAX_GRADE)]
    )
    summary = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="level_code_unique"),
            models.UniqueConstraint(fields=["track", "grade"], name="level_grade_unique_in_track"),
            models.CheckConstraint(
                condition=Q(grade__gte=MIN_GRADE, grade__lte=MAX_GRADE), name="level_grade_range"
            ),
        ]
        triggers = [_frozen_with_version("level_frozen_when_published")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Expectation(models.Model):
    """What a level expects for one competency (Markdown). ``revision`` counts saves,
    so an editor who opened revision 3 cannot silently overwrite revision 4."""

    version = models.ForeignKey(
        LadderVersion, on_delete=models.CASCADE, related_name="expectations"
    )
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="expectations")
    competency = models.ForeignKey(
        Competency, on_delete=models.CASCADE, related_name="expectations"
    )
    text = models.TextField()
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "competency"], name="expectation_unique"),
            models.CheckConstraint(condition=~Q(text=""), name="expectation_not_empty"),
        ]
        triggers = [_frozen_with_version("expectation_frozen_when_published")]

    def __str__(self):
        return f"{self.level.code} / {self.competency.key}"
