"""Levels to choose from: every ladder's current version."""

from ladders.models import LadderVersion, Level


def current_levels():
    """Levels of every ladder's newest published version, in display order."""
    current = LadderVersion.objects.current().values("pk")
    return (
        Level.objects.filter(version__in=current)
        .select_related("track", "version__ladder")
        .order_by("version__name", "version_id", "track__position", "grade")
    )
