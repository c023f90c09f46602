"""The region API's object types: a region's workers, clients, orders and work.

Every type reads with REGION_READ (region admins and staff of this region, on its host);
a worker's time-constraint reason and note need REGION_SENSITIVE (region admins). IDs
are global IDs that name the region (`Order:alpha:42`); money is whole yen and time is
whole minutes, both as Int; days are Dates (ISO 8601).
"""

from __future__ import annotations

import graphene

from kado_graphql.core.connections import KadoConnection, KadoConnectionField
from kado_graphql.core.ids import HUB_CODE, GlobalIDField, to_global_id
from kado_graphql.core.scalars import Yen
from kado_graphql.core.types import KadoObjectType
from kado_graphql.payouts.types import CommissionNoticeType
from kado_graphql.region.enums import (
    ClientKindEnum,
    ConstraintReasonEnum,
    ContractTypeEnum,
    OrderCategoryEnum,
    OrderStatusEnum,
    WorkerStatusEnum,
)
from kado_platform.accounts.policy import Perm
from kado_platform.core.fiscal import fiscal_year_of
from kado_tenants.orders.lifecycle import OrderStatus, allowed_transitions
from kado_tenants.orders.selectors import order_progress, worklog_list


class RegionInfoType(KadoObjectType):
    class Meta:
        name = "RegionInfo"
        permission = Perm.SIGN_IN
        description = "The region this host serves."

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)


class SkillType(KadoObjectType):
    class Meta:
        name = "Skill"
        permission = Perm.REGION_READ
        description = "A skill workers can have; its code is how inputs and filters name it."

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)


class AvailabilityWindowType(KadoObjectType):
    class Meta:
        name = "AvailabilityWindow"
        permission = Perm.REGION_READ
        description = "A weekly window in which a worker can take work (JST)."

    weekday = graphene.Int(required=True, description="0 = Monday … 6 = Sunday.")
    start_minute = graphene.Int(required=True, description="Minute of the day it starts (0…1439).")
    end_minute = graphene.Int(required=True, description="Minute of the day it ends (1…1440).")
    minutes = graphene.Int(required=True, description="How long the window is, in minutes.")


class WorkerType(KadoObjectType):
    class Meta:
        name = "Worker"
        permission = Perm.REGION_READ
        description = "A self-employed teleworker registered with this region."
        field_permissions = {
            "constraint_reason": Perm.REGION_SENSITIVE,
            "constraint_note": Perm.REGION_SENSITIVE,
        }

    id = GlobalIDField()
    name = graphene.String(required=True)
    name_kana = graphene.String(required=True)
    email = graphene.String(required=True, description="Empty when unknown.")
    phone = graphene.String(required=True, description="Empty when unknown.")
    status = graphene.Field(WorkerStatusEnum, required=True)
    hourly_rate = graphene.Int(required=True, description="Yen per hour.")
    joined_on = graphene.Date(required=True)
    invoice_registration_number = graphene.String(
        required=True, description="T + 13 digits (適格請求書発行事業者), or empty."
    )
    skills = graphene.List(graphene.NonNull(SkillType), required=True)
    availability = graphene.List(
        graphene.NonNull(AvailabilityWindowType),
        required=True,
        description="Weekly windows, by weekday and start.",
    )
    constraint_reason = graphene.Field(
        ConstraintReasonEnum,
        description="Sensitive: region admins only. Null when the worker has none.",
    )
    constraint_note = graphene.String(
        description="Sensitive: region admins only. Null when the worker has none."
    )

    def resolve_skills(worker, info):
        return worker.skills.all()

    def resolve_availability(worker, info):
        return worker.availability.all()

    def resolve_constraint_reason(worker, info):
        return worker.constraint_reason or None

    def resolve_constraint_note(worker, info):
        return worker.constraint_note or None


class ClientType(KadoObjectType):
    class Meta:
        name = "Client"
        permission = Perm.REGION_READ
        description = "A company or municipality that orders work from the region."

    id = GlobalIDField()
    name = graphene.String(required=True)
    name_kana = graphene.String(required=True)
    kind = graphene.Field(ClientKindEnum, required=True)
    corporate_number = graphene.String(required=True, description="13 digits, or empty.")
    contact_name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String(required=True)


class ProgressType(KadoObjectType):
    class Meta:
        name = "Progress"
        permission = Perm.REGION_READ
        description = "Minutes logged on an order against its estimate."

    logged_minutes = graphene.Int(required=True)
    estimated_minutes = graphene.Int(required=True)


class AssignmentType(KadoObjectType):
    class Meta:
        name = "Assignment"
        permission = Perm.REGION_READ
        description = "A worker placed on an order."

    id = GlobalIDField()
    order = graphene.Field(lambda: OrderType, required=True)
    worker = graphene.Field(WorkerType, required=True)
    assigned_on = graphene.Date(required=True)
    logged_minutes = graphene.Int(required=True, description="Minutes this worker logged.")
    approved_minutes = graphene.Int(required=True, description="Of those, minutes approved.")
    commission_notice = graphene.Field(
        CommissionNoticeType,
        description=(
            "The terms notice (3条通知) issued when the work was commissioned (region admins "
            "only); null for work commissioned before 2024-11-01 without one."
        ),
    )

    def resolve_commission_notice(assignment, info):
        # The reverse one-to-one: prefetched for a page of orders, else read here. It raises
        # an AttributeError subclass when the assignment has no notice.
        return getattr(assignment, "commission_notice", None)

    def resolve_logged_minutes(assignment, info):
        annotated = getattr(assignment, "logged_minutes", None)
        if annotated is not None:
            return annotated
        return sum(log.minutes for log in worklog_list(assignment=assignment))

    def resolve_approved_minutes(assignment, info):
        annotated = getattr(assignment, "approved_minutes", None)
        if annotated is not None:
            return annotated
        return sum(log.minutes for log in worklog_list(assignment=assignment, approved=True))


class WorkLogType(KadoObjectType):
    class Meta:
        name = "WorkLog"
        permission = Perm.REGION_READ
        description = "Minutes one worker spent on one order on one day."

    id = GlobalIDField()
    assignment = graphene.Field(AssignmentType, required=True)
    order = graphene.Field(lambda: OrderType, required=True)
    worker = graphene.Field(WorkerType, required=True)
    work_date = graphene.Date(required=True)
    minutes = graphene.Int(required=True)
    note = graphene.String(required=True)
    approved = graphene.Boolean(required=True)
    approved_at = graphene.DateTime(description="When it was approved; null until then.")

    def resolve_order(work_log, info):
        return work_log.assignment.order

    def resolve_worker(work_log, info):
        return work_log.assignment.worker

    def resolve_approved(work_log, info):
        return work_log.approved_at is not None


class WorkLogConnection(KadoConnection):
    class Meta:
        node = WorkLogType


class OrderType(KadoObjectType):
    class Meta:
        name = "Order"
        permission = Perm.REGION_READ
        description = "One piece of work received from a client (受注案件)."

    id = GlobalIDField()
    reference = graphene.String(
        required=True, description="<fiscal year>-<sequence>, unique in the region."
    )
    title = graphene.String(required=True)
    client = graphene.Field(ClientType, required=True)
    category = graphene.Field(OrderCategoryEnum, required=True)
    contract_type = graphene.Field(ContractTypeEnum, required=True)
    unit_price = graphene.Int(
        required=True, description="Yen per hour (HOURLY) or per unit (PER_DELIVERABLE)."
    )
    quantity = graphene.Int(required=True, description="Units; 1 for HOURLY orders.")
    estimated_minutes = graphene.Int(required=True)
    amount = Yen(required=True, description="Yen, computed from the terms.")
    status = graphene.Field(OrderStatusEnum, required=True)
    fiscal_year = graphene.Int(
        required=True, description="The Japanese fiscal year (April–March) it was received in."
    )
    received_on = graphene.Date(required=True)
    due_on = graphene.Date(required=True)
    started_on = graphene.Date()
    delivered_on = graphene.Date()
    inspected_on = graphene.Date()
    invoiced_on = graphene.Date()
    paid_on = graphene.Date()
    cancelled_on = graphene.Date()
    progress = graphene.Field(ProgressType, required=True)
    federated_order_id = graphene.ID(
        description=(
            "The hub's wide-area order this order is the region's share of (the ID the "
            "hub's federatedOrder(id) takes); null for the region's own orders."
        )
    )
    allowed_transitions = graphene.List(
        graphene.NonNull(OrderStatusEnum),
        required=True,
        description="The statuses orderTransition can move this order to now.",
    )
    assignments = graphene.List(
        graphene.NonNull(AssignmentType),
        required=True,
        description="The workers on the order, in the order they were assigned.",
    )
    work_logs = KadoConnectionField(
        WorkLogConnection,
        description=(
            "The order's work logs, newest first. One query per order: in a list of "
            "orders, use the top-level workLogs(filter: {orderId}) instead."
        ),
    )

    def resolve_fiscal_year(order, info):
        return fiscal_year_of(order.received_on)

    def resolve_progress(order, info):
        logged, estimated = order_progress(order)
        return {"logged_minutes": logged, "estimated_minutes": estimated}

    def resolve_federated_order_id(order, info):
        if order.federated_order_id is None:
            return None
        return to_global_id("FederatedOrder", HUB_CODE, order.federated_order_id)

    def resolve_allowed_transitions(order, info):
        allowed = allowed_transitions(order.status)
        return [status for status in OrderStatus if status in allowed]

    def resolve_assignments(order, info):
        return order.assignments.all()

    def resolve_work_logs(order, info):
        return worklog_list(order=order)


class WorkerConnection(KadoConnection):
    class Meta:
        node = WorkerType


class ClientConnection(KadoConnection):
    class Meta:
        node = ClientType


class OrderConnection(KadoConnection):
    class Meta:
        node = OrderType


class SkillConnection(KadoConnection):
    class Meta:
        node = SkillType
