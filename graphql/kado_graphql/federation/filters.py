import graphene

from kado_graphql.federation.enums import CategoryEnum, ClientKindEnum, OrderStatusEnum


class OrderFilter(graphene.InputObjectType):
    """Every condition given must hold; lists match any of their values."""

    regions = graphene.List(graphene.NonNull(graphene.String), description="Region codes.")
    statuses = graphene.List(graphene.NonNull(OrderStatusEnum))
    categories = graphene.List(graphene.NonNull(CategoryEnum))
    client_kinds = graphene.List(graphene.NonNull(ClientKindEnum))
    fiscal_year = graphene.Int(description="Japanese fiscal year: 2020 = 2020-04-01 … 2021-03-31.")
    due_before = graphene.Date(description="Due on or before this date.")
    due_after = graphene.Date(description="Due on or after this date.")
    search = graphene.String(description="Part of the title, client name or reference.")


def _values(items):
    return [getattr(item, "value", item) for item in items or []]


def order_filter_arguments(filter_) -> dict:
    """The selector's keyword arguments for an OrderFilter input."""
    filter_ = filter_ or {}
    return {
        "regions": filter_.get("regions") or None,
        "statuses": _values(filter_.get("statuses")),
        "categories": _values(filter_.get("categories")),
        "client_kinds": _values(filter_.get("client_kinds")),
        "fiscal_year": filter_.get("fiscal_year"),
        "due_before": filter_.get("due_before"),
        "due_after": filter_.get("due_after"),
        "search": (filter_.get("search") or "").strip()[:100],
    }
