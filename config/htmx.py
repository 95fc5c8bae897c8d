def wants_fragment(request) -> bool:
    """An htmx swap asks for a fragment. A history restore (Back to a URL htmx
    pushed, whose snapshot the page does not keep) needs the whole page."""
    htmx = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and not htmx.history_restore_request
