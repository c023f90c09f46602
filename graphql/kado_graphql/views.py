"""One view, two schemas: the hub's on the base domain, a region's on a region host.

What reaches the schema has passed, in order: POST only (405), the rate limit (429),
`Content-Type: application/json` only (415: no forms, no multipart, no CSRF-able
"simple" requests), the body size (413), one JSON object with `query`, `variables`,
`operationName` (400; a JSON array — batching — is refused), CSRF for cookie sessions
(403), parsing with a token limit, then validation in three passes (see
kado_graphql.core.validation). Request-level errors answer 400; execution answers 200
with field errors next to the data. An unexpected exception is logged and answered as
"Internal error" with code `internal_error`: no traceback, SQL or message leaks.
"""

from __future__ import annotations

import functools
import json
import logging
import re

import orjson
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError

from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLSyntaxError,
    OperationType,
    execute,
    get_operation_ast,
    parse,
)
from kado_graphql.core import errors as codes
from kado_graphql.core import limits as kado_limits
from kado_graphql.core.execution import KadoExecutionContext
from kado_graphql.core.permissions import PermissionMiddleware
from kado_graphql.core.ratelimit import retry_after
from kado_graphql.core.validation import (
    complexity_rule,
    protection_rules,
    standard_rules,
    validation_errors,
)
from kado_graphql.schema import hub_schema, region_schema
from kado_platform.core.errors import DomainError

logger = logging.getLogger("kado_graphql")

MAX_VALIDATION_ERRORS = 20
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")
_ALLOWED_KEYS = frozenset({"query", "variables", "operationName", "extensions"})


@functools.lru_cache(maxsize=256)
def _parsed(query: str, max_tokens: int):
    """A query text parsed once: clients send the same few documents again and again.
    Documents are only read from then on (validation and execution never change them);
    a text that fails to parse raises each time, and is not kept."""
    return parse(query, max_lexical_tokens=max_tokens, max_comments=max_tokens)


def validation_rules(limits=None, variables=None):
    """Every rule the view runs, in order (graphene-django would *replace* the standard
    rules with its `validation_rules`, so the standard ones are listed here too)."""
    limits = limits or kado_limits.current()
    return (
        *protection_rules(limits),
        *standard_rules(),
        complexity_rule(limits, variables),
    )


def _refusal(status: int, code: str, message) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": str(message), "extensions": {"code": code}}]}, status=status
    )


class _Refused(Exception):
    def __init__(self, response):
        self.response = response


class KadoGraphQLView(GraphQLView):
    def __init__(self, **kwargs):
        self.limits = kado_limits.current()
        kwargs.setdefault("middleware", [PermissionMiddleware()])
        kwargs.setdefault("execution_context_class", KadoExecutionContext)
        super().__init__(
            validation_rules=validation_rules(self.limits),
            graphiql=settings.GRAPHIQL_ENABLED and self.limits.introspection,
            **kwargs,
        )

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        try:
            if request.method == "GET" and self.graphiql and self.request_wants_html(request):
                return super().dispatch(request, *args, **kwargs)
            if request.method != "POST":
                # Queries over GET would be open to cross-site requests: POST only.
                response = _refusal(405, "method_not_allowed", _("Send GraphQL as a POST."))
                response["Allow"] = "POST"
                return response
            self._check_request(request)
            return super().dispatch(request, *args, **kwargs)
        except _Refused as refused:
            return refused.response
        except Exception:
            logger.exception("GraphQL request failed")
            return _refusal(500, codes.INTERNAL_ERROR, _("Internal error"))

    def _check_request(self, request):
        wait = retry_after(request, self.limits)
        if wait is not None:
            response = _refusal(429, "rate_limited", _("Too many requests: try again later."))
            response["Retry-After"] = str(wait)
            raise _Refused(response)
        if self.get_content_type(request) != "application/json":
            raise _Refused(
                _refusal(
                    415,
                    "unsupported_media_type",
                    _("Send GraphQL as a POST with Content-Type: application/json."),
                )
            )
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limits.max_body_bytes:
            raise _Refused(
                _refusal(
                    413,
                    codes.QUERY_TOO_LARGE,
                    _("The request body is larger than %(max)d bytes.")
                    % {"max": self.limits.max_body_bytes},
                )
            )
        if _csrf_refused(request):
            raise _Refused(_refusal(403, "csrf_failed", _("CSRF token missing or incorrect.")))

    @classmethod
    def can_display_graphiql(cls, request, data):
        return request.method == "GET" and super().can_display_graphiql(request, data)

    def parse_body(self, request):
        if request.method == "GET":  # GraphiQL's page, in development only
            return {}
        body = request.body
        if len(body) > self.limits.max_body_bytes:
            raise _Refused(
                _refusal(
                    413,
                    codes.QUERY_TOO_LARGE,
                    _("The request body is larger than %(max)d bytes.")
                    % {"max": self.limits.max_body_bytes},
                )
            )
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Refused(_refusal(400, "bad_request", _("The body is not valid JSON."))) from None
        if isinstance(data, list):
            raise _Refused(
                _refusal(
                    400,
                    "batching_not_supported",
                    _("Batched requests are not supported: send one operation per request."),
                )
            )
        if not isinstance(data, dict):
            raise _Refused(
                _refusal(400, "bad_request", _("The body must be a JSON object with a query."))
            )
        query = data.get("query")
        variables = data.get("variables")
        operation_name = data.get("operationName")
        if (
            not isinstance(query, str)
            or not query.strip()
            or not (variables is None or isinstance(variables, dict))
            or not (operation_name is None or isinstance(operation_name, str))
        ):
            raise _Refused(
                _refusal(
                    400,
                    "bad_request",
                    _(
                        "Send {query: string, variables: object or null, "
                        "operationName: string or null}."
                    ),
                )
            )
        return data

    def json_encode(self, request, d, pretty=False):
        if pretty or self.pretty or request.GET.get("pretty"):
            return super().json_encode(request, d, pretty=True)
        return orjson.dumps(d)

    @staticmethod
    def get_graphql_params(request, data):
        # From the JSON body only: never from the URL's query string.
        return data.get("query"), data.get("variables"), data.get("operationName"), None

    def get_response(self, request, data, show_graphiql=False):
        query, variables, operation_name, _id = self.get_graphql_params(request, data)
        result = self.execute_graphql_request(
            request, data, query, variables, operation_name, show_graphiql
        )
        if result is None:
            return None, 200
        response = {}
        status = 200
        if result.errors:
            response["errors"] = [self.format_error(error) for error in result.errors]
            if any(not getattr(error, "path", None) for error in result.errors):
                # The request as a whole was refused (parsing, validation, variables).
                status = 400
                if any(
                    error["extensions"]["code"] == codes.INTERNAL_ERROR
                    for error in response["errors"]
                ):
                    status = 500
            else:
                response["data"] = result.data
        else:
            response["data"] = result.data
        return self.json_encode(request, response, pretty=show_graphiql), status

    def execute_graphql_request(
        self, request, data, query, variables, operation_name, show_graphiql=False
    ):
        if not query:
            if show_graphiql:
                return None
            raise HttpError(HttpResponse(status=400), _("Must provide query string."))
        schema = self.schema.graphql_schema
        try:
            document = _parsed(query, self.limits.max_tokens)
        except GraphQLSyntaxError as error:
            code = (
                codes.QUERY_TOO_LARGE
                if "tokens" in error.message or "comments" in error.message
                else codes.PARSE_FAILED
            )
            return ExecutionResult(errors=[_with_code(error, code)])
        except GraphQLError as error:  # nested too deeply to parse
            return ExecutionResult(errors=[_with_code(error, codes.QUERY_TOO_DEEP)])

        errors = validation_errors(
            schema,
            document,
            limits=self.limits,
            variables=variables,
            max_errors=graphene_settings.MAX_VALIDATION_ERRORS or MAX_VALIDATION_ERRORS,
        )
        if errors:
            return ExecutionResult(
                errors=[_with_code(error, codes.VALIDATION_FAILED) for error in errors]
            )

        operation = get_operation_ast(document, operation_name)
        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
            "execution_context_class": self.execution_context_class,
        }
        if operation is not None and operation.operation == OperationType.MUTATION:
            with transaction.atomic():
                result = execute(schema, document, **options)
                if result.errors or getattr(request, MUTATION_ERRORS_FLAG, False):
                    # Nothing a refused or failed mutation did is kept.
                    transaction.set_rollback(True)
        else:
            result = execute(schema, document, **options)
        for error in result.errors or ():
            if not error.path:  # variables that do not fit their types, unknown operation
                _with_code(error, codes.BAD_INPUT)
        return result

    def format_error(self, error):
        if isinstance(error, HttpError):
            return {"message": str(error.message), "extensions": {"code": "bad_request"}}
        if not isinstance(error, GraphQLError):
            return _internal(error, None)
        original = error.original_error
        if original is not None and not isinstance(original, GraphQLError):
            known = _expected(original)
            if known is None:
                return _internal(original, error)
            formatted = {"message": known[0], "extensions": known[1]}
            if error.locations:
                formatted["locations"] = [location._asdict() for location in error.locations]
            if error.path:
                formatted["path"] = error.path
            return formatted
        formatted = error.formatted
        extensions = dict(formatted.get("extensions") or {})
        extensions.setdefault("code", "error")
        formatted["extensions"] = extensions
        if not self.limits.introspection:
            # "Did you mean …?" would spell out the schema that introspection hides.
            formatted["message"] = _SUGGESTION.sub("", formatted["message"])
        return formatted


def _expected(original):
    """(message, extensions) for an expected refusal raised inside a query's resolver."""
    if isinstance(original, DomainError):
        extensions = {"code": original.code}
        if original.field:
            extensions["field"] = codes.error_field(original.field)
        return original.message, extensions
    if isinstance(original, ObjectDoesNotExist):
        return _("Not found."), {"code": codes.NOT_FOUND}
    if isinstance(original, DjangoPermissionDenied):
        return _("You do not have permission to do this."), {"code": codes.PERMISSION_DENIED}
    return None


def _internal(original, error):
    logger.error(
        "GraphQL resolver failed at %s",
        getattr(error, "path", None),
        exc_info=(type(original), original, original.__traceback__),
    )
    formatted = {"message": "Internal error", "extensions": {"code": codes.INTERNAL_ERROR}}
    if error is not None:
        if error.locations:
            formatted["locations"] = [location._asdict() for location in error.locations]
        if error.path:
            formatted["path"] = error.path
    return formatted


def _with_code(error: GraphQLError, code: str) -> GraphQLError:
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}
    return error


def _csrf_refused(request) -> bool:
    """A cookie session must prove CSRF; a bearer token or no sign-in at all needs not.

    Anonymous requests are let through to get their own, typed permission errors.
    """
    if getattr(request, "api_token", None) is not None or not request.user.is_authenticated:
        return False
    return CsrfViewMiddleware(lambda _request: None).process_view(request, None, (), {}) is not None


def _view_for(schema):
    return KadoGraphQLView.as_view(schema=schema)


hub_graphql_view = _view_for(hub_schema)
region_graphql_view = _view_for(region_schema)
