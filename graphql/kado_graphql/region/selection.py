"""What a query selects, so a resolver can fetch related rows for a whole page at once.

graphene 3 has no DataLoader batching by promise, so N+1 is avoided by reading the
query: a resolver asks which fields are selected below it and adds the matching
select_related/prefetch_related to the selector's queryset.
"""

from __future__ import annotations

from graphene.utils.str_converters import to_snake_case

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode


def _fields(selection_set, fragments, seen=()) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in getattr(selection_set, "selections", None) or ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_fields(selection.selection_set, fragments, seen))
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                found.extend(_fields(fragment.selection_set, fragments, (*seen, name)))
    return found


def selected(info, *path: str) -> set[str]:
    """The snake_case names of the fields selected at `path` below the current field.

    `selected(info)` is the current field's own selection; `selected(info, "edges",
    "node")` is what a connection's nodes select.
    """
    fragments = info.fragments
    level = [field for node in info.field_nodes for field in _fields(node.selection_set, fragments)]
    for name in path:
        level = [
            child
            for field in level
            if field.name.value == name
            for child in _fields(field.selection_set, fragments)
        ]
    return {to_snake_case(field.name.value) for field in level}
