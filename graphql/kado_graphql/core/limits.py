"""The GraphQL layer's limits, read from settings (each set from the environment).

Read on every request, so `override_settings` in a test changes them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

# `first` on every connection: required, between 1 and this.
MAX_PAGE = 100

DEFAULTS = {
    "KADO_GRAPHQL_MAX_BODY_BYTES": 128 * 1024,
    "KADO_GRAPHQL_MAX_TOKENS": 2000,
    "KADO_GRAPHQL_MAX_DEPTH": 10,
    "KADO_GRAPHQL_MAX_ALIASES": 20,
    "KADO_GRAPHQL_MAX_FIELD_REPEATS": 3,
    "KADO_GRAPHQL_MAX_DIRECTIVES": 20,
    "KADO_GRAPHQL_MAX_DIRECTIVES_PER_FIELD": 3,
    "KADO_GRAPHQL_MAX_MUTATIONS": 1,
    "KADO_GRAPHQL_MAX_COST": 10000,
    "KADO_GRAPHQL_LIST_COST": 10,
    "KADO_GRAPHQL_RATE_LIMIT": 600,
    "KADO_GRAPHQL_RATE_LIMIT_ANONYMOUS": 120,
    "KADO_GRAPHQL_RATE_WINDOW": 60,
    "KADO_GRAPHQL_TRUSTED_PROXIES": 0,
}


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int
    max_tokens: int
    max_depth: int
    max_aliases: int
    max_field_repeats: int
    max_directives: int
    max_directives_per_field: int
    max_mutations: int
    max_cost: int
    list_cost: int
    rate_limit: int
    rate_limit_anonymous: int
    rate_window: int
    trusted_proxies: int
    max_page: int = MAX_PAGE

    @property
    def introspection(self) -> bool:
        """Introspection (and GraphiQL) only in development."""
        return bool(settings.DEBUG)


def current() -> Limits:
    values = {
        name.removeprefix("KADO_GRAPHQL_").lower(): int(getattr(settings, name, default))
        for name, default in DEFAULTS.items()
    }
    return Limits(**values)
