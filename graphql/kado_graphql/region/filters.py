"""Filter and sort inputs of the region API's lists. Every filter field is optional;
listed values match any of them, and the fields of one filter all apply together."""

from __future__ import annotations

import graphene

from kado_graphql.region.enums import (
    ClientKindEnum,
    OrderCategoryEnum,
    OrderSortField,
    OrderStatusEnum,
    SortDirection,
    WorkerSortField,
    WorkerStatusEnum,
)


class WorkerFilter(graphene.InputObjectType):
    statuses = graphene.List(graphene.NonNull(WorkerStatusEnum), description="Any of these.")
    skills = graphene.List(
        graphene.NonNull(graphene.String), description="Skill codes: workers with all of them."
    )
    search = graphene.String(description="Part of the name or its kana reading.")


class WorkerOrder(graphene.InputObjectType):
    field = WorkerSortField(required=True)
    direction = SortDirection(default_value=SortDirection.ASC.value)


class ClientFilter(graphene.InputObjectType):
    kinds = graphene.List(graphene.NonNull(ClientKindEnum), description="Any of these.")
    search = graphene.String(description="Part of the name or reading, or the corporate number.")


class OrderFilter(graphene.InputObjectType):
    statuses = graphene.List(graphene.NonNull(OrderStatusEnum), description="Any of these.")
    categories = graphene.List(graphene.NonNull(OrderCategoryEnum), description="Any of these.")
    client_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="Client IDs: any of these."
    )
    fiscal_year = graphene.Int(description="Received in this fiscal year (April–March).")
    search = graphene.String(description="Part of the reference, the title or the client's name.")


class OrderOrder(graphene.InputObjectType):
    field = OrderSortField(required=True)
    direction = SortDirection(default_value=SortDirection.ASC.value)


class WorkLogFilter(graphene.InputObjectType):
    approved = graphene.Boolean(description="true: approved only; false: awaiting approval.")
    from_ = graphene.Date(name="from", description="Worked on or after this day.")
    to = graphene.Date(description="Worked on or before this day.")
    order_id = graphene.ID(description="On this order.")
    worker_id = graphene.ID(description="By this worker.")
