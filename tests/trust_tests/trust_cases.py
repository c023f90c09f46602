"""The isolation matrix, generated from the code: GraphQL operations from the two schemas,
web routes from the two URL confs, Host variants, and the rule that says which markers a
response may carry.

Nothing here is written per field or per route: a new query, mutation or page joins the
matrix by existing.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from graphql.pyutils import Undefined
from graphql.utilities import ast_from_value

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    get_named_type,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
    is_object_type,
    parse,
    print_ast,
    validate,
)
from kado_graphql.schema import hub_schema, region_schema
from kado_graphql.views import validation_rules
from kado_platform.accounts.policy import perms_on, roles_on

ROLES = ["anonymous", "staff", "admin", "other_admin", "coordinator", "leader", "operator"]
FEDERATION_ROLES = {"coordinator", "leader", "operator"}


def user_key(role: str, region_code: str) -> str | None:
    """The fixture user for a role seen from a region's host (None: anonymous)."""
    other = "beta" if region_code == "alpha" else "alpha"
    return {
        "anonymous": None,
        "staff": f"{region_code}_staff",
        "admin": f"{region_code}_admin",
        "other_admin": f"{other}_admin",
        "coordinator": "coordinator",
        "leader": "leader",
        "operator": "operator",
    }[role]


# --- GraphQL operations ----------------------------------------------------------------


def global_id(type_name: str, region: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{region}:{pk}".encode()).decode()


_SPECIAL_ID_TYPES = {"statement": "PayoutStatement", "statements": "PayoutStatement"}


def id_type_for(name: str, owner: str) -> str:
    """The type an ID argument names: `workerId` → Worker, `id` of `workerUpdate` → Worker."""
    base = re.sub(r"Ids?$", "", name) if name not in ("id", "ids") else ""
    if not base:
        base = re.sub(
            r"(Create|Update|Issue|Approve|Correct|SendViaStripe|Record|Transition|"
            r"ChangeStatus|SetAvailability|Generate|Export|Input)+$",
            "",
            owner,
        )
    base = _SPECIAL_ID_TYPES.get(base, base)
    return base[:1].upper() + base[1:]


@dataclass
class Dummies:
    """Values for required arguments: IDs of `id_region` (rows in `pks`), valid or refusing."""

    id_region: str
    pks: dict[str, int]
    refusing: bool = False  # strings empty and ints 0: every write is refused

    def id(self, type_name: str) -> str:
        return global_id(type_name, self.id_region, self.pks.get(type_name, 1))

    def value(self, graphql_type, name: str, owner: str):
        if is_non_null_type(graphql_type):
            return self.value(graphql_type.of_type, name, owner)
        if is_list_type(graphql_type):
            return [self.value(graphql_type.of_type, name, owner)]
        if isinstance(graphql_type, GraphQLInputObjectType):
            return {
                field_name: self.value(field.type, field_name, graphql_type.name)
                for field_name, field in graphql_type.fields.items()
                if (is_non_null_type(field.type) and field.default_value is Undefined)
                or get_named_type(field.type).name == "ID"
            }
        if isinstance(graphql_type, GraphQLEnumType):
            return next(iter(graphql_type.values))
        scalar = graphql_type.name
        lowered = name.lower()
        if scalar == "ID":
            return self.id(id_type_for(name, owner))
        if scalar == "Int":
            if self.refusing:
                return 0
            if name == "first":
                return 5
            if "year" in lowered:
                return 2023
            return 60 if "minute" in lowered else 1
        if scalar == "Yen":  # money: an integer of yen
            return 0 if self.refusing else 1200
        if scalar == "Float":
            return 1.0
        if scalar == "Boolean":
            return False
        if scalar == "Date":
            return "2023-05-10"
        if scalar == "DateTime":
            return "2023-05-10T09:00:00+09:00"
        if scalar == "Decimal":
            return "1"
        if scalar == "JSONString":
            return "{}"
        if self.refusing:
            return ""
        if lowered == "region":
            return self.id_region
        if "email" in lowered:
            return "trust@example.com"
        if "kana" in lowered:
            return "トラスト"
        if lowered in ("skills", "skill", "code", "codes"):
            return "data-entry"
        return "trust-dummy"


def _literal(value, graphql_type) -> str:
    return print_ast(ast_from_value(value, graphql_type))


def selection(graphql_type, depth: int, dummies: Dummies) -> str:
    """Scalar fields at every level, object fields down to `depth`, args filled."""
    named = get_named_type(graphql_type)
    if is_leaf_type(named):
        return ""
    if not is_object_type(named):
        return "{ __typename }"
    parts = ["__typename"]
    for name, field in named.fields.items():
        args = []
        skip = False
        for arg_name, arg in field.args.items():
            if is_non_null_type(arg.type) and arg.default_value is Undefined:
                value = dummies.value(arg.type, arg_name, name)
                if value is None:
                    skip = True
                args.append(f"{arg_name}: {_literal(value, arg.type)}")
        if skip:
            continue
        call = f"{name}({', '.join(args)})" if args else name
        inner_named = get_named_type(field.type)
        if is_leaf_type(inner_named):
            parts.append(call)
        elif depth > 1:
            inner = selection(field.type, depth - 1, dummies)
            if inner:
                parts.append(f"{call} {inner}")
    return "{ " + " ".join(parts) + " }"


@dataclass(frozen=True)
class Operation:
    endpoint: str  # "hub" or "region"
    kind: str  # "query" or "mutation"
    field: str
    document: str
    variables: dict

    @property
    def name(self) -> str:
        return f"{self.endpoint}.{self.kind}.{self.field}"

    def body(self) -> str:
        return json.dumps({"query": self.document, "variables": self.variables})


def root_fields(schema, kind: str) -> dict:
    graphql_schema = schema.graphql_schema
    root = graphql_schema.query_type if kind == "query" else graphql_schema.mutation_type
    return dict(root.fields) if root is not None else {}


def build_operation(schema, endpoint: str, kind: str, field_name: str, dummies: Dummies, rules):
    """A minimal valid operation for one root field: required args as variables, the
    deepest selection (3 levels at most) that passes every validation rule of the view."""
    field = root_fields(schema, kind)[field_name]
    definitions, call_args, variables = [], [], {}
    for arg_name, arg in field.args.items():
        if is_non_null_type(arg.type) and arg.default_value is Undefined:
            definitions.append(f"${arg_name}: {arg.type}")
            call_args.append(f"{arg_name}: ${arg_name}")
            variables[arg_name] = dummies.value(arg.type, arg_name, field_name)
    head = f"{kind} Trust" + (f"({', '.join(definitions)})" if definitions else "")
    call = f"{field_name}({', '.join(call_args)})" if call_args else field_name
    for depth in (3, 2, 1):
        inner = selection(field.type, depth, dummies)
        document = f"{head} {{ {call} {inner} }}"
        errors = validate(schema.graphql_schema, parse(document), rules)
        if not errors:
            return Operation(endpoint, kind, field_name, document, variables)
    raise AssertionError(f"No valid operation for {endpoint}.{field_name}: {errors}")


def operations(schema, endpoint: str, dummies: Dummies, rules) -> list[Operation]:
    return [
        build_operation(schema, endpoint, kind, name, dummies, rules)
        for kind in ("query", "mutation")
        for name in root_fields(schema, kind)
    ]


# --- the cases of both endpoints ---------------------------------------------------------

TARGETS = ["alpha", "beta", "hub"]
OTHER = {"alpha": "beta", "beta": "alpha", "hub": "alpha"}


def region_of(fed, served):
    return {"alpha": fed.alpha, "beta": fed.beta, "hub": fed.hub}.get(served)


def graphql_cases(seeded, *, refusing=False):
    """(target, operation) for both endpoints; the hub gets each region's IDs in turn
    (an operation without IDs is the same under both and is listed once)."""
    rules = validation_rules()
    cases = []
    for target in ("alpha", "beta"):
        dummies = Dummies(OTHER[target], seeded.pks[OTHER[target]], refusing=refusing)
        cases += [(target, op) for op in operations(region_schema, "region", dummies, rules)]
    seen = set()
    for id_region in ("alpha", "beta"):
        dummies = Dummies(id_region, seeded.pks[id_region], refusing=refusing)
        for op in operations(hub_schema, "hub", dummies, rules):
            if op.body() not in seen:
                seen.add(op.body())
                cases.append(("hub", op))
    return cases


def expected_forbidden(fed, seeded, variant, user, *, credential_host):
    """What `user` must not see in a response from the host that `variant` reaches.

    `credential_host`: the host a session was made on (a session is valid there only),
    or None for a bearer token (valid wherever its user holds a role)."""
    served_region = region_of(fed, variant.served)
    valid = served_region is not None and (
        credential_host is None or credential_host == variant.served
    )
    roles = set(roles_on(user, served_region)) if (user and valid) else set()
    perms = {str(p) for p in perms_on(user, served_region)} if roles else set()
    forbidden = forbidden_markers(seeded.text, variant.served, roles_there=roles, perms_there=perms)
    # A signed-in user's own email on their own page is not a leak.
    return [marker for marker in forbidden if user is None or marker != user.email]


# --- Host variants ---------------------------------------------------------------------


@dataclass(frozen=True)
class HostVariant:
    name: str
    host: str
    served: str | None  # the host whose data may answer: a region code, "hub" or None
    extra: tuple = ()  # more headers, as (META name, value)


def host_variants(target: str, other: str, *, port: int = 8000) -> list[HostVariant]:
    """`target` is "alpha", "beta" or "hub"; `other` the host an attacker points at."""
    canonical = "localhost" if target == "hub" else f"{target}.localhost"
    other_host = "localhost" if other == "hub" else f"{other}.localhost"
    return [
        HostVariant("canonical", canonical, target),
        HostVariant("other", other_host, other),
        HostVariant("unknown", "gamma.localhost", None),
        HostVariant("unknown-nested", f"x.{canonical}", None),
        HostVariant("foreign", "evil.example", None),
        HostVariant("upper", canonical.upper(), target),
        HostVariant("port", f"{canonical}:{port}", target),
        HostVariant("trailing-dot", f"{canonical}.", target),
        HostVariant(
            "x-forwarded-host", canonical, target, (("HTTP_X_FORWARDED_HOST", other_host),)
        ),
    ]


# --- what a response may carry -------------------------------------------------------


def forbidden_markers(markers: dict, served: str | None, *, roles_there: set, perms_there: set):
    """Markers that must not appear in a response from `served` to a caller holding
    `roles_there`/`perms_there` on that host (empty when the credential is not valid
    there: a replayed session, a token of another host)."""
    forbidden = []
    for code, region in markers.items():
        if served == "hub":
            forbidden += region.pii + region.sensitive
            if not roles_there:
                forbidden += region.business
        elif served == code and roles_there:
            if "region.sensitive" not in perms_there:
                forbidden += region.sensitive
        else:
            forbidden += region.all
    return forbidden


def body_text(raw: bytes, content_type: str) -> str:
    """A response body's text with JSON's \\u escapes undone, so kana markers are seen."""
    text = raw.decode("utf-8", errors="replace")
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            text += "\n" + json.dumps(json.loads(text), ensure_ascii=False)
    return text


def leaks_in(text: str, forbidden: list[str]) -> list[str]:
    return [marker for marker in forbidden if marker in text]


# --- web routes --------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                f"{namespace}:{ns}".strip(":") if ns else namespace,
            )
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def _fill_regex(route: str, values: dict) -> str | None:
    """A path for a regex route: named groups from `values`, alternations take their
    first option, anchors and simple escapes dropped."""

    def group(match):
        name, body = match.group("name"), match.group("body")
        if name in values:
            return str(values[name])
        options = body.split("|")
        if all(re.fullmatch(r"[\w-]+", option) for option in options):
            return options[0]
        return None

    out = route
    while True:
        match = _REGEX_GROUP.search(out)
        if match is None:
            break
        value = group(match)
        if value is None:
            return None
        out = out[: match.start()] + value + out[match.end() :]
    out = out.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\", "")
    if re.search(r"[()\[\]*+?{}|]", out):
        return None
    return out


def web_routes(urlconf: str, pks: dict) -> list[str]:
    """Every route of a URL conf as a concrete path, converters filled with the other
    region's keys (`pks`: model name as in URLs → pk; they collide with this region's)."""

    def value_for(route: str, name: str, conv: str) -> str:
        if name in ("pk", "object_id", "id"):
            segments = [part for part in re.split(r"[/^$]", route) if part and "<" not in part]
            for segment in reversed(segments):
                if segment in pks:
                    return str(pks[segment])
            return str(next(iter(pks.values())))
        if name == "uidb64":
            return "MQ"
        if name == "token":
            return "set-password"
        return "1" if conv == "int" else "x"

    paths = []
    for route, _pattern, _namespace in _walk(get_resolver(urlconf).url_patterns):
        if "(?P<" in route or route.startswith("^"):
            values = {
                name: value_for(route, name, "str") for name in re.findall(r"\(\?P<(\w+)>", route)
            }
            values = {
                k: v for k, v in values.items() if k in ("pk", "object_id", "id", "uidb64", "token")
            }
            filled = _fill_regex(route, values)
        else:
            filled = _CONVERTER.sub(
                lambda match, route=route: value_for(
                    route, match.group("name"), match.group("conv") or "str"
                ),
                route,
            )
        if filled is None:
            continue
        paths.append("/" + filled.lstrip("^"))
    return sorted(set(paths))
