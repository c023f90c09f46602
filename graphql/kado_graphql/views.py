"""One view, two schemas: the hub's on the base domain, a region's on a region host."""

from django.conf import settings
from django.http import HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphene_django.views import GraphQLView

from graphql import specified_rules
from kado_graphql.core.permissions import PermissionMiddleware
from kado_graphql.schema import hub_schema, region_schema

MAX_DEPTH = 10


def validation_rules():
    """graphene-django *replaces* the standard rules with these, so they are all listed."""
    rules = [*specified_rules, depth_limit_validator(max_depth=MAX_DEPTH)]
    if not settings.DEBUG:
        rules.append(DisableIntrospection)
    return tuple(rules)


class KadoGraphQLView(GraphQLView):
    def __init__(self, **kwargs):
        super().__init__(
            middleware=[PermissionMiddleware()],
            validation_rules=validation_rules(),
            graphiql=settings.GRAPHIQL_ENABLED,
            **kwargs,
        )

    @method_decorator(csrf_exempt)
    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and not (self.graphiql and self.request_wants_html(request)):
            # Queries over GET would be open to cross-site requests: POST only.
            return HttpResponseNotAllowed(["POST"])
        if request.method == "POST" and _csrf_refused(request):
            return JsonResponse(
                {
                    "errors": [
                        {
                            "message": "CSRF token missing or incorrect.",
                            "extensions": {"code": "csrf_failed"},
                        }
                    ]
                },
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


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
