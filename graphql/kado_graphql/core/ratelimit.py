"""A fixed-window rate limit per API token (or user, or client IP) on Django's cache.

The cache key goes through django-tenants' make_key, so each host counts on its own.
With the local-memory cache each process counts alone: production sets REDIS_URL.

When the cache cannot be reached (a Redis outage), the request is let through and the
outage is logged as an error: the rate limit is a guard against floods, and turning a
cache outage into an outage of the whole API would lose more than it protects.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache

from kado_graphql.core.limits import Limits

logger = logging.getLogger(__name__)


def client_ip(request, trusted_proxies: int) -> str:
    """REMOTE_ADDR, or the address the last trusted proxy saw in X-Forwarded-For."""
    if trusted_proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= trusted_proxies:
            return forwarded[-trusted_proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _who(request, limits: Limits) -> tuple[str, int]:
    token = getattr(request, "api_token", None)
    if token is not None:
        return f"token:{token.pk}", limits.rate_limit
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}", limits.rate_limit
    return f"ip:{client_ip(request, limits.trusted_proxies)}", limits.rate_limit_anonymous


def retry_after(request, limits: Limits) -> int | None:
    """Count this request; the seconds to wait when it is over the limit, else None."""
    who, limit = _who(request, limits)
    if limit <= 0:
        return None
    window = max(limits.rate_window, 1)
    now = int(time.time())
    start = now - now % window
    key = f"kado-graphql-rate:{who}:{start}"
    try:
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=window + 1)
            count = 1
    except Exception:
        logger.exception("Rate-limit cache unavailable: the request is let through")
        return None
    if count > limit:
        return max(start + window - now, 1)
    return None
