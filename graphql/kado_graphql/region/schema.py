"""The region host's API: this region's workers, clients, orders, assignments and work.

Every list is a Relay connection (`first` 1…100, required; `after`; `totalCount`).
Related rows a query selects below a page are fetched for the whole page at once, so a
page costs the same number of SQL queries whatever its size.
"""

from __future__ import annotations

import graphene
from django.utils.translation import gettext as _

from kado_graphql.core.connections import KadoConnectionField
from kado_graphql.core.errors import BadInputError
from kado_graphql.core.ids import decode_global_id, decode_optional_global_id
from kado_graphql.core.viewer import ViewerType, resolve_viewer
from kado_graphql.region.enums import choice
from kado_graphql.region.filters import (
    ClientFilter,
    OrderFilter,
    OrderOrder,
    WorkerFilter,
    WorkerOrder,
    WorkLogFilter,
)
from kado_graphql.region.lookups import client_by_id, order_by_id, worker_by_id
from kado_graphql.region.mutations import (
    AssignmentCreate,
    ClientCreate,
    ClientUpdate,
    OrderCreate,
    OrderTransition,
    OrderUpdate,
    SkillCreate,
    WorkerChangeStatus,
    WorkerCreate,
    WorkerSetAvailability,
    WorkerUpdate,
    WorkLogApprove,
    WorkLogRecord,
    WorkLogUpdate,
    WorkLogWithdraw,
)
from kado_graphql.region.selection import selected
from kado_graphql.region.types import (
    ClientConnection,
    ClientType,
    OrderConnection,
    OrderType,
    RegionInfoType,
    SkillConnection,
    WorkerConnection,
    WorkerType,
    WorkLogConnection,
)
from kado_tenants.clients.selectors import client_list
from kado_tenants.orders.selectors import order_list, orders_with_assignments, worklog_list
from kado_tenants.workforce.selectors import skill_list, worker_list

FISCAL_YEARS = (1900, 2200)


def _ordering(order_by) -> tuple[str, ...] | None:
    if not order_by:
        return None
    field = choice(order_by["field"])
    return (f"-{field}" if choice(order_by.get("direction")) == "desc" else field,)


def _worker_prefetches(workers, fields: set[str]):
    if "availability" in fields:
        workers = workers.prefetch_related("availability")
    return workers


class RegionQueries(graphene.ObjectType):
    viewer = graphene.Field(ViewerType, resolver=resolve_viewer)
    region = graphene.Field(RegionInfoType, required=True)
    workers = KadoConnectionField(
        WorkerConnection,
        filter=WorkerFilter(),
        order_by=WorkerOrder(description="Default: by kana reading."),
        description="The region's workers.",
    )
    worker = graphene.Field(
        WorkerType, id=graphene.ID(required=True), description="One worker, by ID."
    )
    clients = KadoConnectionField(
        ClientConnection, filter=ClientFilter(), description="The region's clients, by reading."
    )
    client = graphene.Field(
        ClientType, id=graphene.ID(required=True), description="One client, by ID."
    )
    orders = KadoConnectionField(
        OrderConnection,
        filter=OrderFilter(),
        order_by=OrderOrder(description="Default: newest received first."),
        description="The region's orders.",
    )
    order = graphene.Field(
        OrderType, id=graphene.ID(required=True), description="One order, by ID."
    )
    work_logs = KadoConnectionField(
        WorkLogConnection, filter=WorkLogFilter(), description="Work logs, newest day first."
    )
    skills = KadoConnectionField(SkillConnection, description="The region's skills, by code.")

    def resolve_region(root, info):
        return info.context.tenant

    def resolve_workers(root, info, filter=None, order_by=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        workers = worker_list(
            statuses=[choice(status) for status in filter.get("statuses") or ()],
            skill_codes=filter.get("skills") or None,
            search=filter.get("search") or "",
            ordering=_ordering(order_by),
        )
        return _worker_prefetches(workers, selected(info, "edges", "node"))

    def resolve_worker(root, info, id):  # noqa: A002
        return worker_by_id(info, id)

    def resolve_clients(root, info, filter=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        return client_list(
            kinds=[choice(kind) for kind in filter.get("kinds") or ()],
            search=filter.get("search") or "",
        )

    def resolve_client(root, info, id):  # noqa: A002
        return client_by_id(info, id)

    def resolve_orders(root, info, filter=None, order_by=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        client_ids = filter.get("client_ids")
        fiscal_year = filter.get("fiscal_year")
        if fiscal_year is not None and not FISCAL_YEARS[0] <= fiscal_year <= FISCAL_YEARS[1]:
            raise BadInputError(
                _("The fiscal year must be between %(min)d and %(max)d.")
                % {"min": FISCAL_YEARS[0], "max": FISCAL_YEARS[1]},
                field="filter.fiscalYear",
            )
        orders = order_list(
            statuses=[choice(status) for status in filter.get("statuses") or ()],
            categories=[choice(category) for category in filter.get("categories") or ()],
            clients=None
            if client_ids is None
            else [
                decode_global_id(info, value, "Client", field="filter.clientIds")
                for value in client_ids
            ],
            fiscal_year=fiscal_year,
            search=filter.get("search") or "",
            ordering=_ordering(order_by),
        )
        node = selected(info, "edges", "node")
        if "assignments" in node:
            orders = orders_with_assignments(orders)
            if "skills" in selected(info, "edges", "node", "assignments", "worker"):
                orders = orders.prefetch_related("assignments__worker__skills")
            if "commission_notice" in selected(info, "edges", "node", "assignments"):
                orders = orders.prefetch_related("assignments__commission_notice")
        return orders

    def resolve_order(root, info, id):  # noqa: A002
        return order_by_id(info, id, with_assignments="assignments" in selected(info))

    def resolve_work_logs(root, info, filter=None):  # noqa: A002
        filter = filter or {}  # noqa: A001
        logs = worklog_list(
            order=decode_optional_global_id(
                info, filter.get("order_id"), "Order", field="filter.orderId"
            ),
            worker=decode_optional_global_id(
                info, filter.get("worker_id"), "Worker", field="filter.workerId"
            ),
            date_from=filter.get("from_"),
            date_to=filter.get("to"),
            approved=filter.get("approved"),
        )
        if "skills" in selected(info, "edges", "node", "worker") | selected(
            info, "edges", "node", "assignment", "worker"
        ):
            logs = logs.prefetch_related("assignment__worker__skills")
        return logs

    def resolve_skills(root, info):
        return skill_list()


class RegionMutations(graphene.ObjectType):
    worker_create = WorkerCreate.Field()
    worker_update = WorkerUpdate.Field()
    worker_change_status = WorkerChangeStatus.Field()
    worker_set_availability = WorkerSetAvailability.Field()
    client_create = ClientCreate.Field()
    client_update = ClientUpdate.Field()
    order_create = OrderCreate.Field()
    order_update = OrderUpdate.Field()
    order_transition = OrderTransition.Field()
    assignment_create = AssignmentCreate.Field()
    work_log_record = WorkLogRecord.Field()
    work_log_approve = WorkLogApprove.Field()
    work_log_update = WorkLogUpdate.Field()
    work_log_withdraw = WorkLogWithdraw.Field()
    skill_create = SkillCreate.Field()
