"""GraphQL errors that carry a stable `extensions.code` for clients.

Raise these from resolvers for expected refusals; anything else a resolver raises is
logged and answered as "Internal error" (see kado_graphql.views). A service's
DomainError raised in a query is answered with its own code and translated message; in
a KadoMutation it becomes a typed `errors { field message code }` entry instead.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from graphene.utils.str_converters import to_camel_case

from graphql import GraphQLError

# Request-level codes (the whole request is refused, HTTP 4xx).
PARSE_FAILED = "graphql_parse_failed"
VALIDATION_FAILED = "graphql_validation_failed"
QUERY_TOO_LARGE = "query_too_large"
QUERY_TOO_DEEP = "query_too_deep"
QUERY_TOO_COSTLY = "query_too_costly"
TOO_MANY_ALIASES = "too_many_aliases"
DUPLICATED_FIELDS = "duplicated_fields"
TOO_MANY_DIRECTIVES = "too_many_directives"
TOO_MANY_MUTATIONS = "too_many_mutations"
INTROSPECTION_DISABLED = "introspection_disabled"
CIRCULAR_INTROSPECTION = "circular_introspection"
# Field-level codes.
BAD_INPUT = "bad_input"
NOT_FOUND = "not_found"
PERMISSION_DENIED = "permission_denied"
INTERNAL_ERROR = "internal_error"


def error_field(field: str | None) -> str | None:
    """A service's field name (`due_on`, `lines.0.amount`) as the client spells it."""
    if not field:
        return None
    return ".".join(to_camel_case(part) for part in str(field).split("."))


class KadoGraphQLError(GraphQLError):
    code = "error"

    def __init__(self, message=None, *, field: str | None = None, nodes=None, code=None):
        extensions = {"code": code or self.code}
        if field:
            extensions["field"] = error_field(field)
        self.field = extensions.get("field")
        super().__init__(
            str(message if message is not None else self.default_message()),
            nodes,
            extensions=extensions,
        )

    @staticmethod
    def default_message() -> str:
        return _("The request was refused.")


class PermissionDeniedError(KadoGraphQLError):
    code = PERMISSION_DENIED

    @staticmethod
    def default_message() -> str:
        return _("You do not have permission to do this.")


class NotFoundError(KadoGraphQLError):
    code = NOT_FOUND

    @staticmethod
    def default_message() -> str:
        return _("Not found.")


class BadInputError(KadoGraphQLError):
    code = BAD_INPUT

    def __init__(self, message=None, field: str | None = None, **kwargs):
        super().__init__(message, field=field, **kwargs)

    @staticmethod
    def default_message() -> str:
        return _("The input is not valid.")


def request_error(message, code: str, node=None) -> GraphQLError:
    """An error that refuses the whole request (parsing or validation)."""
    return GraphQLError(str(message), node, extensions={"code": code})
