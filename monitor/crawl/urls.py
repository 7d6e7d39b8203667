"""Canonical URLs: one key per story however a feed links to it (tracking parameters, scheme, case, fragment)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only say where a click came from; dropped so two links to one story compare equal.
_TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "yclid", "mc_cid", "mc_eid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered.startswith("utm_") or lowered in _TRACKING


def canonical_url(url: str) -> str:
    """The identity of a page: https, lower-case host, no default port, no fragment, no tracking, sorted query.

    http and https fold into https (the same story is often linked both ways); percent-encoding is
    normalised by w3lib. The result is a key, not always a fetchable address: keep the link as given
    for fetching and for people to click.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValueError(f"URL without a host: {url!r}")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)])
    rebuilt = urlunsplit(("https", netloc, parts.path or "/", query, ""))
    return canonicalize_url(rebuilt, keep_blank_values=True, keep_fragments=False)
