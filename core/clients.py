"""The address a request comes from, as everything keyed by it (the sign-in lock-out) reads it.

Behind a reverse proxy every request reaches the site from the proxy's address, so keying on
REMOTE_ADDR would put every person in one lock-out count. Each proxy appends the address it
received the request from to X-Forwarded-For; the client can write anything to the left of
what the proxies append. So with `PROXY_COUNT` proxies (the DJANGO_PROXY_COUNT setting) the
client is the PROXY_COUNT-th address from the right, and nothing further left is ever read.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR without proxies (PROXY_COUNT 0, the default),
    else the PROXY_COUNT-th entry from the right of X-Forwarded-For.

    A request whose header has fewer entries than there are proxies did not come through them
    all (or the proxies are not set up as the setting says): the peer's own address counts.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    return _valid_ip(forwarded[-proxies]) or remote


def _valid_ip(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None
