"""Who is asking: the one rule for the client's address, read by the API's quotas, the
API-key guessing guard and the sign-in lockout.

X-Forwarded-For is written by whoever sends the request, so by itself it proves nothing: a
client can put any address there, a new one on every request. Only the entries appended by
proxies of our own can be believed, and each proxy appends the address it was reached
from. With TRUSTED_PROXY_COUNT = n proxies in front of the site, the client is therefore
the entry n hops from the right; everything left of it is what the client chose to say.
With no trusted proxy (the default) the socket's address is the client.

An IPv6 client is its /64: a single host is usually given a whole /64 and can take a fresh
address in it for every request, which would give it a fresh quota and lockout each time.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address in canonical form ("" when the server gives none)."""
    raw_remote = request.META.get("REMOTE_ADDR") or ""
    remote = _canonical(raw_remote) or raw_remote
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if trusted <= 0 or not forwarded:
        return remote
    hops = forwarded.split(",")
    # Fewer entries than proxies: the leftmost is the nearest to the client we know.
    return _canonical(hops[-min(trusted, len(hops))]) or remote


def _canonical(entry: str) -> str | None:
    # A proxy of ours writes a bare address; anything else (a port, "unknown", garbage)
    # is not trusted, and the socket's address stands instead.
    try:
        address = ipaddress.ip_address(entry.strip())
    except ValueError:
        return None
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is that IPv4 client
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
