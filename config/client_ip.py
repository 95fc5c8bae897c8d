"""The address a request comes from, as django-axes keys its sign-in lockout on it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    """The client's address as the outermost of TRUSTED_PROXY_COUNT proxies saw it.

    Each proxy appends the address it got the request from to X-Forwarded-For, so
    behind N proxies the client is the Nth entry from the right; whatever stands to
    its left the client wrote itself, and trusting it would let a guesser choose
    whose address gets locked. Without proxies, or when the header is shorter than
    the chain or malformed (the request did not come through it), the address of
    the connection itself."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote
