"""Who may read and change ladders. Everyone signed in reads published versions;
drafts exist only for HR: to anyone else they are a 404, like a missing page.

``request.person`` is set by the people app's CurrentPersonMiddleware; reading
the attribute keeps this app free of imports from that one."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from ladders.models import Ladder, LadderVersion


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


def get_draft_for(request, slug: str) -> LadderVersion:
    """HR's draft of the ladder; 404 for anyone else or when there is none."""
    if not is_hr(request):
        raise Http404("No such page.")
    return get_object_or_404(
        LadderVersion.objects.drafts().select_related("ladder"), ladder__slug=slug
    )
