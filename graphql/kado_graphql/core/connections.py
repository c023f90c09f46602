"""Relay connections with a required, capped `first`, opaque cursors and totalCount.

    class OrderConnection(KadoConnection):
        class Meta:
            node = OrderType             # its permission is the connection's

    class RegionQueries(graphene.ObjectType):
        orders = KadoConnectionField(OrderConnection, status=graphene.String())

        def resolve_orders(root, info, status=None):   # gets no first/after
            return order_list(status=status)            # an *ordered* queryset

The field validates `first` (1..100) and `after`, then `paginate()` runs one query for
the page (one row more than asked, for hasNextPage) and a COUNT only when totalCount is
selected. Use `paginate()` directly where a resolver must build the connection itself.
"""

from __future__ import annotations

import base64
import binascii

import graphene
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from graphene.relay import PageInfo

from kado_graphql.core.errors import BadInputError
from kado_graphql.core.limits import MAX_PAGE

_CURSOR_PREFIX = "kado:"
MAX_OFFSET = 10_000_000
_MAX_CURSOR_LENGTH = 64


class KadoConnection(graphene.relay.Connection):
    """A Relay connection whose permission is its node's, plus totalCount."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Items matching, across all pages.")

    def resolve_total_count(root, info):
        counter = getattr(root, "_kado_count", None)
        if counter is not None:
            return counter()
        return root.length if hasattr(root, "length") else len(root.iterable)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{int(offset)}".encode()).decode()


def decode_cursor(cursor, *, field: str = "after") -> int:
    """The offset a cursor stands for; anything not made by encode_cursor → `bad_input`."""
    invalid = BadInputError(_("The cursor is not valid."), field=field)
    if not isinstance(cursor, str) or not cursor or len(cursor) > _MAX_CURSOR_LENGTH:
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise invalid from None
    number = raw.removeprefix(_CURSOR_PREFIX)
    if (
        not raw.startswith(_CURSOR_PREFIX)
        or not number.isdigit()
        or not 0 <= int(number) <= MAX_OFFSET
        or encode_cursor(int(number)) != cursor
    ):
        raise invalid
    return int(number)


def check_first(first) -> int:
    if isinstance(first, bool) or not isinstance(first, int) or not 1 <= first <= MAX_PAGE:
        raise BadInputError(
            _("first must be between 1 and %(max)d.") % {"max": MAX_PAGE}, field="first"
        )
    return first


def paginate(iterable, *, first: int, after: str | None = None, connection_type):
    """One page of `iterable` (an ordered QuerySet or a list) as a `connection_type`."""
    first = check_first(first)
    start = decode_cursor(after) + 1 if after is not None else 0
    if isinstance(iterable, QuerySet) and not iterable.ordered:
        raise TypeError(f"paginate() needs an ordered queryset of {iterable.model.__name__}.")
    rows = list(iterable[start : start + first + 1])
    has_next = len(rows) > first
    rows = rows[:first]
    edge_type = connection_type.Edge
    edges = [
        edge_type(node=row, cursor=encode_cursor(start + index)) for index, row in enumerate(rows)
    ]
    connection = connection_type(
        edges=edges,
        page_info=PageInfo(
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=start > 0,
            has_next_page=has_next,
        ),
    )
    cache = {}

    def count():
        if "total" not in cache:
            cache["total"] = iterable.count() if isinstance(iterable, QuerySet) else len(iterable)
        return cache["total"]

    connection._kado_count = count
    return connection


class KadoConnectionField(graphene.Field):
    """A field of a KadoConnection with `first: Int!` (1..100) and `after: String`.

    The resolver (`resolve_<name>` or `resolver=`) gets the field's other arguments
    and returns an ordered queryset or a list; pagination is done here.
    """

    def __init__(self, type_, *args, **kwargs):
        kwargs.setdefault(
            "first",
            graphene.Int(required=True, description=f"How many items: 1 to {MAX_PAGE}."),
        )
        kwargs.setdefault(
            "after",
            graphene.String(description="The endCursor of the previous page."),
        )
        kwargs.setdefault("required", True)
        super().__init__(type_, *args, **kwargs)

    @property
    def type(self):
        type_ = super().type
        connection = getattr(type_, "of_type", type_)
        if not (isinstance(connection, type) and issubclass(connection, KadoConnection)):
            raise TypeError(f"KadoConnectionField needs a KadoConnection, not {connection!r}.")
        return type_

    @property
    def connection_type(self):
        type_ = self.type
        return getattr(type_, "of_type", type_)

    def wrap_resolve(self, parent_resolver):
        resolver = super().wrap_resolve(parent_resolver)

        def resolve(root, info, first, after=None, **kwargs):
            check_first(first)
            if after is not None:
                decode_cursor(after)
            iterable = resolver(root, info, **kwargs)
            return paginate(
                iterable, first=first, after=after, connection_type=self.connection_type
            )

        return resolve
