"""Who may read and change ladders. Everyone signed in reads published versions;
drafts exist only for HR: to anyone else they are a 404, like a missing page.

``request.person`` is set by the people app's CurrentPersonMiddleware; reading
the attribute keeps this app free of imports from that one."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ladders.models import Ladder, LadderVersion
from ladders.services.versions import DraftGone


def is_hr(request) -> bool:
    person = getattr(request, "person", None)
    return bool(person and person.is_hr)


def get_version_for(request, slug: str, number=None) -> LadderVersion:
    """The version to show: ``number`` if given (a draft only for HR), else the newest
    published one (for HR, the draft of a ladder that has never been published)."""
    ladder = get_object_or_404(Ladder, slug=slug)
    versions = LadderVersion.objects.filter(ladder=ladder).select_related(
        "ladder", "published_by__person"
    )
    if not is_hr(request):
        versions = versions.published()
    if number is not None:
        try:
            return versions.get(number=int(number))
        except (ValueError, LadderVersion.DoesNotExist):
            raise Http404("No such version.") from None
    version = versions.newest() or versions.drafts().first()
    if version is None:
        raise Http404("Nothing published yet.")
    return version


def get_draft_for(request, slug: str, number: int | None = None) -> LadderVersion:
    """Runs one query while the draft is there. HR's draft of the ladder; 404 for
    anyone else or an unknown ladder. DraftGone when the ladder has no draft, or when
    ``number`` (the draft version a form was opened on) is no longer its draft:
    published or discarded since, so the form must not change what replaced it."""
    if not is_hr(request):
        raise Http404("No such page.")
    drafts = LadderVersion.objects.drafts().select_related("ladder")
    found = drafts.filter(ladder__slug=slug).first()
    if found is not None and number in (None, found.number):
        return found
    ladder = get_object_or_404(Ladder, slug=slug)
    if number is None:
        raise DraftGone()
    raise DraftGone(number, published=ladder.versions.published().filter(number=number).exists())
