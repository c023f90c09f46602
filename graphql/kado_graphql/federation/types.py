"""Types of the hub API: regions, orders across regions, capacity, wide-area orders, reports.

None of them carries a worker's personal data: workers appear only as counts.
"""

import graphene

from kado_graphql.core.connections import KadoConnection
from kado_graphql.core.ids import HUB_CODE, GlobalIDField, to_global_id
from kado_graphql.core.scalars import Yen
from kado_graphql.core.types import KadoObjectType
from kado_graphql.federation.enums import (
    CategoryEnum,
    ClientKindEnum,
    ContractTypeEnum,
    OrderStatusEnum,
)
from kado_platform.accounts.policy import Perm
from kado_platform.federation.selectors import share_figures


class RegionType(KadoObjectType):
    class Meta:
        name = "Region"
        permission = Perm.SIGN_IN
        description = "A partner region of the federation (one schema, one host)."

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)
    kind = graphene.String(required=True)
    status = graphene.String(required=True)
    prefecture = graphene.String(required=True)
    municipality_code = graphene.String(required=True)
    joined_on = graphene.Date(required=True)
    host = graphene.String(required=True)


class ProgressType(KadoObjectType):
    class Meta:
        name = "Progress"
        permission = Perm.SIGN_IN
        description = "Minutes logged against minutes estimated."

    logged_minutes = graphene.Int(required=True)
    estimated_minutes = graphene.Int(required=True)
    ratio = graphene.Float(
        required=True, description="logged / estimated, 0 when nothing is estimated."
    )


def _progress(logged: int, estimated: int) -> dict:
    return {
        "logged_minutes": logged,
        "estimated_minutes": estimated,
        "ratio": round(logged / estimated, 4) if estimated else 0.0,
    }


class FederationOrderType(KadoObjectType):
    class Meta:
        name = "Order"
        permission = Perm.FEDERATION_ORDERS
        description = "An order of one region, as the federation's read model holds it."

    id = graphene.ID(
        required=True, description="Global ID: Order:<region>:<key>, as on the region host."
    )
    region = graphene.Field(RegionType, required=True)
    reference = graphene.String(required=True)
    title = graphene.String(required=True)
    client_name = graphene.String(required=True)
    client_kind = graphene.Field(ClientKindEnum, required=True)
    category = graphene.Field(CategoryEnum, required=True)
    contract_type = graphene.Field(ContractTypeEnum, required=True)
    status = graphene.Field(OrderStatusEnum, required=True)
    amount = Yen(required=True, description="Yen.")
    received_on = graphene.Date(required=True)
    due_on = graphene.Date(required=True)
    fiscal_year = graphene.Int(required=True)
    progress = graphene.Field(ProgressType, required=True)

    def resolve_id(entry, info):
        return to_global_id("Order", entry.region.code, entry.order_id)

    def resolve_progress(entry, info):
        return _progress(entry.logged_minutes, entry.estimated_minutes)


class FederationOrderConnection(KadoConnection):
    class Meta:
        node = FederationOrderType


class MonthlyMinutesType(KadoObjectType):
    class Meta:
        name = "MonthlyMinutes"
        permission = Perm.FEDERATION_ORDERS

    month = graphene.Date(required=True, description="The first day of the month.")
    minutes = graphene.Int(required=True)


class OrderDetailType(KadoObjectType):
    class Meta:
        name = "OrderDetail"
        permission = Perm.FEDERATION_ORDERS
        description = "An order drilled down into its region: counts only, no names."

    order = graphene.Field(FederationOrderType, required=True)
    assignment_count = graphene.Int(required=True)
    monthly_minutes = graphene.List(graphene.NonNull(MonthlyMinutesType), required=True)


class RegionCapacityType(KadoObjectType):
    class Meta:
        name = "RegionCapacity"
        permission = Perm.FEDERATION_ORDERS
        description = "Active workers with the skills asked for, and their minutes in the window."

    region = graphene.Field(RegionType, required=True)
    workers = graphene.Int(required=True)
    minutes = graphene.Int(required=True)


class AllocationType(KadoObjectType):
    class Meta:
        name = "Allocation"
        permission = Perm.FEDERATION_ORDERS

    id = GlobalIDField(region=lambda root, info: HUB_CODE)
    region = graphene.Field(RegionType, required=True)
    minutes = graphene.Int(required=True)
    units = graphene.Int(required=True)
    amount = Yen(required=True, description="Yen.")
    order_id = graphene.ID(required=True, description="The regional order's global ID.")
    status = graphene.Field(OrderStatusEnum, description="The regional order's status.")
    progress = graphene.Field(ProgressType, required=True)

    def resolve_order_id(allocation, info):
        return to_global_id("Order", allocation.region.code, allocation.order_id)

    def resolve_status(allocation, info):
        return allocation.order_status or None

    def resolve_progress(allocation, info):
        return _progress(allocation.logged_minutes or 0, allocation.minutes)


class FederatedOrderType(KadoObjectType):
    class Meta:
        name = "FederatedOrder"
        permission = Perm.FEDERATION_ORDERS
        description = "A wide-area order (広域案件) split across regions."

    id = GlobalIDField(region=lambda root, info: HUB_CODE)
    reference = graphene.String(required=True)
    client_name = graphene.String(required=True)
    client_kind = graphene.Field(ClientKindEnum, required=True)
    title = graphene.String(required=True)
    category = graphene.Field(CategoryEnum, required=True)
    contract_type = graphene.Field(ContractTypeEnum, required=True)
    unit_price = graphene.Int(required=True, description="Yen per hour or per unit.")
    total_minutes = graphene.Int(required=True)
    total_units = graphene.Int(required=True)
    total_amount = Yen(required=True, description="Yen.")
    received_on = graphene.Date(required=True)
    due_on = graphene.Date(required=True)
    status = graphene.String(required=True, description="open, closed or cancelled.")
    allocations = graphene.List(
        graphene.NonNull(AllocationType),
        required=True,
        description="Every region's share, a cancelled one too (until it is re-allocated).",
    )
    allocated_minutes = graphene.Int(
        required=True, description="Minutes of the shares whose regional order is not cancelled."
    )
    allocated_amount = Yen(
        required=True, description="Yen of the shares whose regional order is not cancelled."
    )
    progress = graphene.Field(ProgressType, required=True, description="Logged in the regions.")

    def resolve_allocations(order, info):
        return order.allocations.all()

    def resolve_allocated_minutes(order, info):
        return share_figures(order)["allocated_minutes"]

    def resolve_allocated_amount(order, info):
        return share_figures(order)["allocated_amount"]

    def resolve_progress(order, info):
        return _progress(share_figures(order)["logged_minutes"], order.total_minutes)


class FederatedOrderConnection(KadoConnection):
    class Meta:
        node = FederatedOrderType


class ReportFiguresType(KadoObjectType):
    class Meta:
        name = "ReportFigures"
        permission = Perm.FEDERATION_REPORTS

    key = graphene.String(description="The category or client kind of this row.")
    amount = Yen(required=True, description="Yen.")
    orders = graphene.Int(required=True)
    minutes = graphene.Int(required=True, description="Minutes logged on these orders.")


class MoneyFigures:
    """The year's money, the same three figures for the federation and for each region."""

    billed = Yen(
        required=True,
        description="Yen invoiced (current versions, tax included) under the year's numbers.",
    )
    collected = Yen(required=True, description="Yen received from clients in the year.")
    paid_out = Yen(
        required=True,
        description="Yen transferred to workers (net) with transfer dates in the year.",
    )


class RegionReportType(MoneyFigures, KadoObjectType):
    class Meta:
        name = "RegionReport"
        permission = Perm.FEDERATION_REPORTS

    region = graphene.Field(RegionType, required=True)
    amount = Yen(required=True, description="Yen.")
    orders = graphene.Int(required=True)
    minutes = graphene.Int(required=True, description="Minutes worked in the year.")
    active_workers = graphene.Int(required=True, description="Workers who logged work in the year.")
    started_working = graphene.Int(
        required=True,
        description=(
            "First challenge: workers whose first move to active fell in the year; coming "
            "back to active is not a new start."
        ),
    )
    moved_to_employment = graphene.Int(
        required=True, description="Second challenge: moved on to employment."
    )
    moved_to_social_participation = graphene.Int(
        required=True,
        description=(
            "Second challenge: moved on to other social participation (volunteering, "
            "community roles, further education)."
        ),
    )
    returned = graphene.Int(required=True, description="Safety net: came back to KADO.")


class MonthReportType(KadoObjectType):
    class Meta:
        name = "MonthReport"
        permission = Perm.FEDERATION_REPORTS

    month = graphene.Date(required=True)
    amount = Yen(required=True)
    orders = graphene.Int(required=True)
    minutes = graphene.Int(required=True)


class ReportType(MoneyFigures, KadoObjectType):
    class Meta:
        name = "Report"
        permission = Perm.FEDERATION_REPORTS
        description = (
            "Consolidated figures of one fiscal year (April–March); cancelled orders excluded."
        )

    fiscal_year = graphene.Int(required=True)
    amount = Yen(required=True, description="Yen of orders received in the year.")
    orders = graphene.Int(required=True)
    minutes = graphene.Int(required=True, description="Minutes worked in the year.")
    active_workers = graphene.Int(required=True)
    started_working = graphene.Int(
        required=True,
        description=(
            "Workers who started working in the year (their first move to active): the "
            "first challenge. Coming back to active after employment, other social "
            "participation or leaving is not a new start."
        ),
    )
    moved_to_employment = graphene.Int(required=True)
    moved_to_social_participation = graphene.Int(
        required=True,
        description=(
            "Workers who moved on to other social participation (volunteering, community "
            "roles, further education) in the year: the second challenge's other outcome."
        ),
    )
    returned = graphene.Int(required=True)
    by_region = graphene.List(graphene.NonNull(RegionReportType), required=True)
    by_category = graphene.List(graphene.NonNull(ReportFiguresType), required=True)
    by_client_kind = graphene.List(graphene.NonNull(ReportFiguresType), required=True)
    by_month = graphene.List(graphene.NonNull(MonthReportType), required=True)


class TrendPointType(KadoObjectType):
    class Meta:
        name = "TrendPoint"
        permission = Perm.FEDERATION_REPORTS

    fiscal_year = graphene.Int(required=True)
    amount = Yen(required=True, description="Yen.")
    orders = graphene.Int(required=True)
    regions = graphene.Int(required=True, description="Regions with orders that year.")
