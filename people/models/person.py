import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower, Upper
from django.utils import timezone

from people.models.cycle_filters import PEOPLE_CHANGE_FILTERS

# A management chain is walked upwards with a recursive CTE (as deep as the
# organisation, never as wide). UNION ALL with the depth guard keeps a corrupt,
# cyclic line from looping forever.
_CHAIN_SQL = """
    WITH RECURSIVE chain(id, manager_id, depth) AS (
        SELECT id, manager_id, 0 FROM people_person WHERE id = %s
        UNION ALL
        SELECT p.id, p.manager_id, c.depth + 1
        FROM people_person p JOIN chain c ON p.id = c.manager_id
        WHERE c.depth < 10000
    )
    SELECT id FROM chain WHERE depth > 0
"""


# Constant SQL with the id bound as a parameter: nothing user-typed is spliced in.
def _ids_above(pk) -> RawSQL:
    return RawSQL(_CHAIN_SQL, [pk])  # noqa: S611


# A person's line of managers: their manager's, then that manager.
_LINE_FROM_MANAGER = """
    NEW.ancestors := COALESCE(
        (SELECT m.ancestors || m.id FROM people_person m WHERE m.id = NEW.manager_id),
        '{}'
    );
    RETURN NEW;
"""


class PersonQuerySet(models.QuerySet):
    def with_roles(self):
        """Annotate ``has_reports`` so role checks need no query per person."""
        return self.annotate(has_reports=Exists(Person.objects.filter(manager_id=OuterRef("pk"))))

    def with_level_since(self, *, at=None):
        """Annotate ``level_since``: since when each person has held their level at the
        moment ``at`` (by default now): their latest level change by then, or their
        arrival in the app if none. A subquery: one query for any number of people."""
        if at is None:
            # The latest change is a column the database keeps (``level_changed_at``).
            return self.annotate(level_since=Coalesce(F("level_changed_at"), F("created_at")))
        changes = LevelChange.objects.filter(person=OuterRef("pk"), changed_at__lte=at)
        latest = changes.order_by("-changed_at", "-pk").values("changed_at")[:1]
        return self.annotate(level_since=Coalesce(Subquery(latest), F("created_at")))

    def still_here(self):
        """People who have not left the company: those the organisation counts now
        (someone who left keeps their level and history, but no longer counts)."""
        return self.filter(left_at__isnull=True)

    def whose_manager_left(self):
        """People still here whose manager has left: HR must give each a new one."""
        return self.still_here().filter(manager__left_at__isnull=False)

    def reporting_tree_of(self, person):
        """Everyone below ``person``, directly or through other managers: those whose
        kept line of managers holds them (an index lookup, however deep the tree)."""
        return self.filter(ancestors__contains=[person.pk])

    def management_chain_of(self, person):
        """Everyone above ``person``: their manager, that manager's manager, and so on."""
        return self.filter(pk__in=_ids_above(person.pk))

    def visible_to(self, viewer):
        """People ``viewer`` may see: HR sees everyone; anyone else sees themselves,
        their management chain and their whole reporting tree."""
        if viewer.is_hr:
            return self.all()
        return self.filter(
            Q(pk=viewer.pk) | Q(pk__in=_ids_above(viewer.pk)) | Q(ancestors__contains=[viewer.pk])
        )

    def search(self, text):
        text = text.strip()
        if not text:
            return self
        return self.filter(Q(name__icontains=text) | Q(email__icontains=text))


class Person(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254, help_text="Stored in lower case; also the sign-in.")
    manager = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Whom this person reports to. Nobody may end up managing themselves.",
    )
    level = models.ForeignKey(
        "ladders.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Their current level: a level of a published ladder version.",
    )
    is_hr = models.BooleanField(
        "HR (people team)",
        default=False,
        help_text="HR publishes ladders, imports people and sees the whole organisation.",
    )
    # Set when the person leaves the company (HR records it; their account is then
    # inactive) and cleared if they come back. Their history stays as it was.
    left_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.CharField(max_length=500, blank=True)
    # Check-in mail: at most one digest a day (when the last went out), and none once
    # the person stops it from the link in the mail.
    reminders_off = models.BooleanField(default=False)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # When a check-in due by the ladder's cadence was last recalled about this person:
    # a due check-in is recalled once a week, not every day.
    due_recalled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The latest entry of their level history, kept by the database as each is written
    # (a trigger on LevelChange): time in level without a subquery per person.
    level_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When their latest agreed check-in ended, kept by the database as each is agreed
    # (a trigger on CheckIn): when the next is due, for the whole company at once.
    last_agreed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Whether that check-in agreed every competency "beyond" their level, kept by the
    # database likewise: who looks ready, for the whole company at once.
    last_agreed_beyond_all = models.BooleanField(default=False, editable=False)
    # The level that check-in was held at, kept likewise: it counts toward "ready" only
    # at the level they hold now, compared without reading each person's check-in.
    last_agreed_level = models.ForeignKey(
        "ladders.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        db_index=False,  # never looked up by: only read beside the person
    )
    # Their managers' ids, from the top of the organisation down to their own manager,
    # kept by the database as people arrive and reporting lines change (the triggers
    # ``person_starts_its_line``, ``person_keeps_its_line``, ``person_line_moves_its_tree``):
    # "everyone below a manager" is an index lookup, not a walk down the tree.
    ancestors = ArrayField(models.BigIntegerField(), default=list, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="person_email_lower_case"
            ),
            models.CheckConstraint(condition=~Q(manager=F("pk")), name="person_not_own_manager"),
        ]
        indexes = [
            models.Index(Lower("name"), name="person_name_lower_idx"),
            # Searches match part of a name or email in any case (icontains, which
            # PostgreSQL runs as UPPER(...) LIKE '%...%'): trigram indexes serve them.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="person_name_trgm_idx"),
            GinIndex(OpClass(Upper("email"), name="gin_trgm_ops"), name="person_email_trgm_idx"),
            GinIndex(fields=["ancestors"], name="person_ancestors_idx"),
            # Who left, by when: few, ruled out by key from teams and counts (insights'
            # ``_gone_by``), which read every person's row to find them without it.
            models.Index(
                fields=["left_at"], condition=Q(left_at__isnull=False), name="person_left_idx"
            ),
            # Who may look ready (parity's "ready, and proposed or not"): everyone still
            # here whose latest agreed check-in said "beyond" throughout, by level: a
            # tenth of the people, read without every other person's row at their level.
            models.Index(
                fields=["level"],
                condition=Q(last_agreed_beyond_all=True, left_at__isnull=True),
                name="person_ready_idx",
            ),
        ]
        triggers = [
            # A save of a Person read before their latest level change or agreed
            # check-in (an admin form, a stale object) never takes what the database
            # keeps back: the dates only grow, and only the triggers on check-ins (a
            # trigger's update is nested: depth 2) write what the latest one agreed
            # (``check_ins_rate_people`` steps past this trigger to write it afresh).
            pgtrigger.Trigger(
                name="person_kept_columns",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                func="""
                    NEW.level_changed_at := GREATEST(OLD.level_changed_at, NEW.level_changed_at);
                    NEW.last_agreed_at := GREATEST(OLD.last_agreed_at, NEW.last_agreed_at);
                    IF pg_trigger_depth() = 1 THEN
                        NEW.last_agreed_beyond_all := OLD.last_agreed_beyond_all;
                        NEW.last_agreed_level_id := OLD.last_agreed_level_id;
                    END IF;
                    RETURN NEW;
                """,
            ),
            # A person's line is their manager's line and that manager, whatever the
            # row written says: a new person, a new manager, or a stale object saved
            # (a statement of the app: trigger depth 0 where the condition is read).
            # Updates made by triggers (the walk below, a check-in dating its person)
            # keep what they write unless they change the manager, and do not even
            # call the function: a call on each of them doubled the cost of writing
            # check-ins in bulk. A person is written after their manager (the import
            # writes people first, then their managers): one written in the same
            # statement as a manager not yet there would start with no line.
            pgtrigger.Trigger(
                name="person_starts_its_line",
                operation=pgtrigger.Insert,
                when=pgtrigger.Before,
                func=_LINE_FROM_MANAGER,
            ),
            pgtrigger.Trigger(
                name="person_keeps_its_line",
                operation=pgtrigger.Update,
                when=pgtrigger.Before,
                condition=pgtrigger.Condition(
                    "(pg_trigger_depth() = 0 OR OLD.manager_id IS DISTINCT FROM NEW.manager_id)"
                ),
                func=_LINE_FROM_MANAGER,
            ),
            # When a person's line or manager changes, so do the lines of everyone
            # below them: walked down the reporting lines from the person, each line
            # is written afresh from their manager's. When many lines change in one
            # statement (an import), a manager read before their own move gives a
            # wrong line for a moment; the walk from the highest person moved, whenever
            # it runs, writes every line below it from lines that hold. The walk's own
            # updates change lines, not managers: they start no walk of their own. It
            # stops where a corrupt, cyclic line would come back on itself.
            pgtrigger.Trigger(
                name="person_line_moves_its_tree",
                operation=pgtrigger.Update,
                when=pgtrigger.After,
                condition=pgtrigger.Condition(
                    "((pg_trigger_depth() = 0 AND OLD.ancestors IS DISTINCT FROM NEW.ancestors)"
                    " OR OLD.manager_id IS DISTINCT FROM NEW.manager_id)"
                ),
                func="""
                    WITH RECURSIVE walk(id, line) AS (
                        SELECT p.id, COALESCE(
                            (SELECT m.ancestors || m.id FROM people_person m
                             WHERE m.id = p.manager_id),
                            '{}'
                        )
                        FROM people_person p WHERE p.id = NEW.id
                        UNION ALL
                        SELECT below.id, walk.line || walk.id
                        FROM people_person below JOIN walk ON below.manager_id = walk.id
                        WHERE NOT below.id = ANY(walk.line || walk.id)
                    )
                    UPDATE people_person SET ancestors = walk.line
                    FROM walk
                    WHERE people_person.id = walk.id
                        AND people_person.ancestors IS DISTINCT FROM walk.line;
                    RETURN NULL;
                """,
            ),
            *PEOPLE_CHANGE_FILTERS,
        ]

    def __str__(self):
        return self.name

    @property
    def has_left(self) -> bool:
        return self.left_at is not None

    @property
    def held_level_since(self):
        """No query: since when they have held their level, now, from the columns the
        database keeps; ``with_level_since()`` counts it likewise in SQL."""
        return self.level_changed_at or self.created_at

    @property
    def reviewing_manager(self) -> "Person | None":
        """Runs a query unless ``manager`` was selected. Who endorses or returns this
        person's requests: their manager, unless that manager has left (then nobody,
        as for someone at the top, and HR takes the manager's part)."""
        manager = self.manager
        return None if manager is None or manager.has_left else manager

    @property
    def is_manager(self) -> bool:
        """Runs a query unless the person came from ``with_roles()``."""
        if hasattr(self, "has_reports"):
            return self.has_reports
        return self.reports.exists()

    @property
    def role_labels(self) -> list[str]:
        """Runs queries unless ``level__track`` and ``level__version`` were selected (and
        the roles annotated). What badges a person: their roles, then their job family
        (their ladder's name) and track, as the ladder names them. No word for a person
        without a role: "Engineer" badged designers as engineers and read as a track."""
        labels = []
        if self.is_hr:
            labels.append("HR")
        if self.is_manager:
            labels.append("Manager")
        if self.level is not None:
            labels += [self.level.version.name, self.level.track.name]
        # Someone who left keeps the roles they had, marked first: the directory shows it.
        return ["Left"] * self.has_left + labels

    def management_chain(self) -> list["Person"]:
        """Runs one query. From this person's manager up to the top of the organisation."""
        above = {p.pk: p for p in Person.objects.management_chain_of(self)}
        chain: list[Person] = []
        current = above.get(self.manager_id)
        while current is not None and len(chain) < len(above):
            chain.append(current)
            current = above.get(current.manager_id)
        return chain

    def clean(self):
        super().clean()
        self.email = self.email.strip().lower()
        problem = reporting_line_problem(self, self.manager)
        if problem:
            raise ValidationError({"manager": problem})


def reporting_line_problem(person: Person, manager: Person | None) -> str | None:
    """Runs one query. Why ``manager`` cannot manage ``person``, or None if they can."""
    if manager is None or person.pk is None:
        return None
    if manager.pk == person.pk:
        return "A person cannot be their own manager."
    if manager.has_left:
        return f"{manager.name} has left the company: choose someone who still works here."
    if Person.objects.management_chain_of(manager).filter(pk=person.pk).exists():
        return (
            f"{manager.name} already reports to {person.name}, directly or through other "
            "managers: that would make a cycle."
        )
    return None


class LevelChange(models.Model):
    """One entry of a person's level history. Append-only: the database refuses
    to change or delete an entry once written."""

    class Source(models.TextChoices):
        HR = "hr", "Set by HR"
        IMPORT = "import", "People import"
        PROMOTION = "promotion", "Promotion"
        LATERAL = "lateral", "Lateral move"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="level_changes")
    level = models.ForeignKey("ladders.Level", on_delete=models.PROTECT, related_name="+")
    previous_level = models.ForeignKey(
        "ladders.Level", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=12, choices=Source)
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["person", "-changed_at"], name="level_change_person_idx")]
        triggers = [
            pgtrigger.Protect(name="level_history_is_append_only", operation=pgtrigger.Update),
            pgtrigger.Trigger(
                name="level_history_dates_the_person",
                operation=pgtrigger.Insert,
                when=pgtrigger.After,
                func="""
                    UPDATE people_person
                    SET level_changed_at = GREATEST(level_changed_at, NEW.changed_at)
                    WHERE id = NEW.person_id;
                    RETURN NULL;
                """,
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.level} ({self.changed_at:%Y-%m-%d})"


class PersonAttribute(models.Model):
    """Something HR records about a person (location, department...), loaded by the
    people import's ``attr:<name>`` columns. HR-only, and shown only in groups."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attributes")
    name = models.CharField(max_length=40)
    value = models.CharField(max_length=120)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "name"], name="attribute_once_per_person"),
        ]
        indexes = [models.Index(fields=["name", "value"], name="attribute_name_value_idx")]

    def __str__(self):
        return f"{self.name}={self.value}"
