def current_person_context(request):
    """``current_person`` for the navigation (set by CurrentPersonMiddleware)."""
    return {"current_person": getattr(request, "person", None)}
