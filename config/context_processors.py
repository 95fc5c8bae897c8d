def csp_nonce(request):
    """Expose django-csp's nonce as ``csp_nonce``, the name django-htmx's script tag reads."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
