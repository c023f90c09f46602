"""Validation rules that refuse abusive documents before anything is resolved.

The view validates in three passes (`validation_errors`), each only if the previous one
passed:
1. `protection_rules()`: cheap checks on the document's text — nesting depth, aliases,
   a field repeated in one selection, directives, mutations per operation, and
   introspection (refused in production, circular introspection refused always);
2. graphql-core's `specified_rules` (graphene-django's `validation_rules` *replaces*
   them, so they are always listed);
3. `ComplexityRule`: depth and cost with fragments expanded and variables known. Every
   field costs 1; a field with `first` multiplies the cost of what it selects by
   `first`, another list field by KADO_GRAPHQL_LIST_COST. `first` on a connection
   must be 1..100. Introspection fields cost nothing (they are off in production).

The first two passes depend only on the schema, the document's text and the limits, so a
document that passed them is remembered (by a digest of its text, per schema, in a bounded
LRU) and later requests with the same text skip their rules: a client sends the same few
queries again and again, and the standard rules are the dearest part of a request after
execution. Only passes without errors are remembered; the third pass, which depends on
the variables, always runs.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import weakref
from collections import Counter, OrderedDict

from django.utils.translation import gettext as _
from graphql.validation import ValidationRule

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationType,
    StringValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    specified_rules,
    validate,
)
from kado_graphql.core import errors as codes
from kado_graphql.core.connections import KadoConnection, decode_cursor
from kado_graphql.core.errors import BadInputError
from kado_graphql.core.limits import Limits

_INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})
# Fields of __Type that lead to more types: nesting them is the circular introspection.
_TYPE_EXPANDING = frozenset({"fields", "inputFields", "interfaces", "possibleTypes"})


def _error(message, code, node=None) -> GraphQLError:
    return codes.request_error(message, code, node)


def _depth_of(selection_set) -> int:
    """The nesting of selection sets in the text (fragments not expanded), iteratively."""
    deepest = 0
    stack = [(selection_set, 1)]
    while stack:
        node, depth = stack.pop()
        if node is None:
            continue
        deepest = max(deepest, depth)
        for selection in node.selections:
            child = getattr(selection, "selection_set", None)
            if child is not None:
                increment = 1 if isinstance(selection, FieldNode) else 0
                stack.append((child, depth + increment))
    return deepest


# --------------------------------------------------------------------------- passes remembered

PASSED_DOCUMENTS_KEPT = 512


class _PassedDocuments:
    """The (pass, text digest) pairs that passed without an error, per schema, LRU."""

    def __init__(self, size: int):
        self.size = size
        self._by_schema = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __contains__(self, item) -> bool:
        schema, key = item
        with self._lock:
            keys = self._by_schema.get(schema)
            if keys is None or key not in keys:
                return False
            keys.move_to_end(key)
            return True

    def add(self, schema, key) -> None:
        with self._lock:
            keys = self._by_schema.setdefault(schema, OrderedDict())
            keys[key] = None
            keys.move_to_end(key)
            while len(keys) > self.size:
                keys.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._by_schema.clear()


passed_documents = _PassedDocuments(PASSED_DOCUMENTS_KEPT)


class _PassState:
    __slots__ = ("errors", "key")

    def __init__(self, key):
        self.key = key
        self.errors = 0


def _digest(source: str) -> bytes:
    return hashlib.sha256(source.encode()).digest()


def _remembered(rules, pass_key) -> list[type[ValidationRule]]:
    """`rules` as a pass that remembers the documents it found no error in.

    A first rule counts the errors reported from the document node on (per pass: the
    passes may run in one `validate` call); a last rule remembers the document (the pass's
    key and the text's digest, for this schema) when the whole pass reported nothing. An
    aborted validation never reaches the last rule, so it is never remembered. Skipping a
    remembered pass is `validation_errors`' work: here every rule always runs.
    """

    class Begin(ValidationRule):
        remembered_as = pass_key

        def enter_document(self, node, *_args):
            source = node.loc.source.body if node.loc is not None else None
            state = _PassState((pass_key, _digest(source)) if source is not None else None)
            passes = self.context.__dict__.setdefault("_kado_passes", {})
            passes[pass_key] = state
            report = self.context.on_error

            def counting(error):
                state.errors += 1
                report(error)

            self.context.on_error = counting
            return self.BREAK

    class End(ValidationRule):
        def leave_document(self, *_args):
            state = self.context.__dict__.get("_kado_passes", {}).get(pass_key)
            if state is not None and state.key is not None and not state.errors:
                passed_documents.add(self.context.schema, state.key)

    return [Begin, *rules, End]


def protection_rules(limits: Limits) -> list[type[ValidationRule]]:
    """The first pass for these limits (made once per limits, not once per request)."""
    return list(_protection_rules(limits, limits.introspection))


@functools.lru_cache(maxsize=32)
def _protection_rules(limits: Limits, introspection: bool) -> tuple[type[ValidationRule], ...]:
    class TextDepthRule(ValidationRule):
        def enter_document(self, node, *_args):
            for definition in node.definitions:
                selection_set = getattr(definition, "selection_set", None)
                if selection_set is not None and _depth_of(selection_set) > limits.max_depth:
                    self.report_error(
                        _error(
                            _("The query is nested deeper than %(max)d levels.")
                            % {"max": limits.max_depth},
                            codes.QUERY_TOO_DEEP,
                            definition,
                        )
                    )
                    return self.BREAK
            return None

    class AliasLimitRule(ValidationRule):
        def enter_document(self, *_args):
            self.aliases = 0

        def enter_field(self, node, *_args):
            if node.alias is not None:
                self.aliases += 1
                if self.aliases > limits.max_aliases:
                    self.report_error(
                        _error(
                            _("The query uses more than %(max)d aliases.")
                            % {"max": limits.max_aliases},
                            codes.TOO_MANY_ALIASES,
                            node,
                        )
                    )
                    return self.BREAK
            return None

    class FieldRepeatRule(ValidationRule):
        def enter_selection_set(self, node, *_args):
            keys = Counter(
                (selection.alias or selection.name).value
                for selection in node.selections
                if isinstance(selection, FieldNode)
            )
            repeated = [key for key, count in keys.items() if count > limits.max_field_repeats]
            if repeated:
                self.report_error(
                    _error(
                        _("The field %(field)s is repeated more than %(max)d times.")
                        % {"field": repeated[0], "max": limits.max_field_repeats},
                        codes.DUPLICATED_FIELDS,
                        node,
                    )
                )
                return self.BREAK
            return None

    class DirectiveLimitRule(ValidationRule):
        def enter_document(self, *_args):
            self.directives = 0

        def _check(self, node):
            count = len(getattr(node, "directives", None) or ())
            self.directives += count
            if count > limits.max_directives_per_field or self.directives > limits.max_directives:
                self.report_error(
                    _error(
                        _("The query uses too many directives."), codes.TOO_MANY_DIRECTIVES, node
                    )
                )
                return self.BREAK
            return None

        def enter_field(self, node, *_args):
            return self._check(node)

        def enter_fragment_spread(self, node, *_args):
            return self._check(node)

        def enter_inline_fragment(self, node, *_args):
            return self._check(node)

        def enter_operation_definition(self, node, *_args):
            return self._check(node)

        def enter_fragment_definition(self, node, *_args):
            return self._check(node)

        def enter_variable_definition(self, node, *_args):
            return self._check(node)

    class MutationLimitRule(ValidationRule):
        def enter_operation_definition(self, node, *_args):
            if node.operation != OperationType.MUTATION:
                return None
            fragments = {
                definition.name.value: definition
                for definition in self.context.document.definitions
                if definition.kind == "fragment_definition"
            }
            count, pending, seen = 0, list(node.selection_set.selections), set()
            while pending:
                selection = pending.pop()
                if isinstance(selection, FieldNode):
                    count += selection.name.value != "__typename"
                elif isinstance(selection, InlineFragmentNode):
                    pending.extend(selection.selection_set.selections)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = fragments.get(selection.name.value)
                    if fragment is not None and selection.name.value not in seen:
                        seen.add(selection.name.value)
                        pending.extend(fragment.selection_set.selections)
            if count > limits.max_mutations:
                self.report_error(
                    _error(
                        _("Send at most %(max)d mutation(s) per request.")
                        % {"max": limits.max_mutations},
                        codes.TOO_MANY_MUTATIONS,
                        node,
                    )
                )
            return None

    class IntrospectionRule(ValidationRule):
        """`__schema`/`__type` off in production (`__typename` stays); never circular."""

        def enter_field(self, node, *_args):
            if node.name.value in _INTROSPECTION_ROOTS and not introspection:
                self.report_error(
                    _error(_("Introspection is disabled."), codes.INTROSPECTION_DISABLED, node)
                )
                return self.BREAK
            return None

        def enter_operation_definition(self, node, *_args):
            fragments = {
                definition.name.value: definition
                for definition in self.context.document.definitions
                if definition.kind == "fragment_definition"
            }
            problem = _introspection_problem(node, fragments)
            if problem is not None:
                self.report_error(_error(problem[0], problem[1], node))
                return self.BREAK
            return None

    return tuple(
        _remembered(
            [
                TextDepthRule,
                AliasLimitRule,
                FieldRepeatRule,
                DirectiveLimitRule,
                MutationLimitRule,
                IntrospectionRule,
            ],
            ("protection", limits, introspection),
        )
    )


_WALK_BUDGET = 20000


def _introspection_problem(operation, fragments):
    """Walk an operation with fragments expanded: a type-expanding introspection field
    (`fields`, `interfaces`…) nested in another is the circular introspection query."""
    budget = _WALK_BUDGET
    stack = [(operation.selection_set, False, 0, ())]
    while stack:
        selection_set, inside, expanding, path = stack.pop()
        for selection in selection_set.selections:
            budget -= 1
            if budget < 0:
                return _("The query is too large."), codes.QUERY_TOO_COSTLY
            if isinstance(selection, FieldNode):
                if selection.selection_set is None:
                    continue
                name = selection.name.value
                now_inside = inside or name in _INTROSPECTION_ROOTS
                now_expanding = expanding + (1 if inside and name in _TYPE_EXPANDING else 0)
                if now_expanding > 1:
                    return (
                        _("Introspection may not nest %(field)s in itself.") % {"field": name},
                        codes.CIRCULAR_INTROSPECTION,
                    )
                stack.append((selection.selection_set, now_inside, now_expanding, path))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, inside, expanding, path))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in fragments and name not in path:
                    stack.append((fragments[name].selection_set, inside, expanding, (*path, name)))
    return None


def standard_rules() -> tuple[type[ValidationRule], ...]:
    return _STANDARD


_STANDARD = tuple(_remembered(specified_rules, ("standard",)))


_UNKNOWN = object()


def _argument(field_node, name, variables, variable_defaults):
    """An argument's value: a literal's, a variable's, or _UNKNOWN; None when absent."""
    for argument in field_node.arguments or ():
        if argument.name.value != name:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, StringValueNode):
            return value.value
        if isinstance(value, VariableNode):
            variable = value.name.value
            if variable in variables:
                return variables[variable]
            return variable_defaults.get(variable)
        return _UNKNOWN
    return None


def _int_argument(field_node, name, variables, variable_defaults):
    value = _argument(field_node, name, variables, variable_defaults)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _is_connection(graphql_type) -> bool:
    graphene_type = getattr(get_named_type(graphql_type), "graphene_type", None)
    return isinstance(graphene_type, type) and issubclass(graphene_type, KadoConnection)


def complexity_rule(limits: Limits, variables: dict | None) -> type[ValidationRule]:
    variables = variables if isinstance(variables, dict) else {}

    class Exceeded(Exception):
        pass

    class ComplexityRule(ValidationRule):
        def enter_document(self, node, *_args):
            self.fragments = {
                definition.name.value: definition
                for definition in node.definitions
                if definition.kind == "fragment_definition"
            }

        def enter_operation_definition(self, node, *_args):
            schema = self.context.schema
            root = {
                OperationType.QUERY: schema.query_type,
                OperationType.MUTATION: schema.mutation_type,
                OperationType.SUBSCRIPTION: schema.subscription_type,
            }[node.operation]
            defaults = {}
            for definition in node.variable_definitions or ():
                default = definition.default_value
                if isinstance(default, IntValueNode):
                    defaults[definition.variable.name.value] = int(default.value)
                elif isinstance(default, StringValueNode):
                    defaults[definition.variable.name.value] = default.value
            self.defaults = defaults
            self.total = 0
            self.budget = _WALK_BUDGET
            try:
                self._cost(node.selection_set, root, 1, 1, ())
            except Exceeded:
                return self.BREAK
            return self.SKIP  # walked above, with fragments expanded

        def enter_fragment_definition(self, *_args):
            return self.SKIP  # walked where they are spread

        def _spend(self, amount, node):
            self.total += amount
            if self.total > limits.max_cost:
                self.report_error(
                    _error(
                        _("The query would cost more than %(max)d.") % {"max": limits.max_cost},
                        codes.QUERY_TOO_COSTLY,
                        node,
                    )
                )
                raise Exceeded

        def _cost(self, selection_set, parent_type, multiplier, depth, fragments_on_path):
            if depth > limits.max_depth:
                self.report_error(
                    _error(
                        _("The query is nested deeper than %(max)d levels.")
                        % {"max": limits.max_depth},
                        codes.QUERY_TOO_DEEP,
                        selection_set,
                    )
                )
                raise Exceeded
            for selection in selection_set.selections:
                self.budget -= 1
                if self.budget < 0:
                    self.total = limits.max_cost
                    self._spend(1, selection)
                if isinstance(selection, FieldNode):
                    self._field(selection, parent_type, multiplier, depth, fragments_on_path)
                elif isinstance(selection, InlineFragmentNode):
                    condition = selection.type_condition
                    target = (
                        self.context.schema.get_type(condition.name.value)
                        if condition
                        else parent_type
                    )
                    self._cost(
                        selection.selection_set, target, multiplier, depth, fragments_on_path
                    )
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    fragment = self.fragments.get(name)
                    if fragment is None or name in fragments_on_path:
                        continue  # reported by the standard rules
                    target = self.context.schema.get_type(fragment.type_condition.name.value)
                    self._cost(
                        fragment.selection_set,
                        target,
                        multiplier,
                        depth,
                        (*fragments_on_path, name),
                    )

        def _field(self, node, parent_type, multiplier, depth, fragments_on_path):
            name = node.name.value
            if name.startswith("__"):
                return
            self._spend(multiplier, node)
            fields = getattr(parent_type, "fields", None) or {}
            field = fields.get(name)
            if field is None or node.selection_set is None:
                return
            first = _int_argument(node, "first", variables, self.defaults)
            if _is_connection(field.type):
                if first is not None and not 1 <= first <= limits.max_page:
                    self.report_error(
                        GraphQLError(
                            _("first must be between 1 and %(max)d.") % {"max": limits.max_page},
                            node,
                            extensions={"code": codes.BAD_INPUT, "field": "first"},
                        )
                    )
                    raise Exceeded
                after = _argument(node, "after", variables, self.defaults)
                if isinstance(after, str):
                    try:
                        decode_cursor(after)
                    except BadInputError as error:
                        self.report_error(
                            GraphQLError(error.message, node, extensions=error.extensions)
                        )
                        raise Exceeded from None
                factor = first or limits.max_page
            elif "first" in field.args:
                factor = min(max(first or limits.max_page, 1), limits.max_page)
            elif is_list_type(get_nullable_type(field.type)) and name != "edges":
                factor = limits.list_cost
            else:
                factor = 1
            self._cost(
                node.selection_set,
                get_named_type(field.type),
                multiplier * factor,
                depth + 1,
                fragments_on_path,
            )

    return ComplexityRule


def validation_errors(schema, document, *, limits: Limits, variables, max_errors: int):
    """The errors of the first of the three passes that has any (none: an empty list).

    A pass this document's text is remembered to have passed is not even started: the
    walk that `validate` would begin just to stop at the document node costs more than
    the lookup.
    """
    source = document.loc.source.body if document.loc is not None else None
    digest = _digest(source) if source is not None else None
    for rules in (protection_rules(limits), standard_rules()):
        if digest is not None and (schema, (rules[0].remembered_as, digest)) in passed_documents:
            continue
        errors = validate(schema, document, rules, max_errors=max_errors)
        if errors:
            return errors
    return validate(schema, document, (complexity_rule(limits, variables),), max_errors=max_errors)
