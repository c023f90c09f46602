"""The region API's mutations, one per module; each calls one service as the signed-in
user and returns its refusals as typed `errors { field message code }`."""

from kado_graphql.region.mutations.assignment_create import AssignmentCreate
from kado_graphql.region.mutations.client_create import ClientCreate
from kado_graphql.region.mutations.client_update import ClientUpdate
from kado_graphql.region.mutations.order_create import OrderCreate
from kado_graphql.region.mutations.order_transition import OrderTransition
from kado_graphql.region.mutations.order_update import OrderUpdate
from kado_graphql.region.mutations.skill_create import SkillCreate
from kado_graphql.region.mutations.work_log_approve import WorkLogApprove
from kado_graphql.region.mutations.work_log_record import WorkLogRecord
from kado_graphql.region.mutations.work_log_update import WorkLogUpdate
from kado_graphql.region.mutations.work_log_withdraw import WorkLogWithdraw
from kado_graphql.region.mutations.worker_change_status import WorkerChangeStatus
from kado_graphql.region.mutations.worker_create import WorkerCreate
from kado_graphql.region.mutations.worker_set_availability import WorkerSetAvailability
from kado_graphql.region.mutations.worker_update import WorkerUpdate

__all__ = [
    "AssignmentCreate",
    "ClientCreate",
    "ClientUpdate",
    "OrderCreate",
    "OrderTransition",
    "OrderUpdate",
    "SkillCreate",
    "WorkLogApprove",
    "WorkLogRecord",
    "WorkLogUpdate",
    "WorkLogWithdraw",
    "WorkerChangeStatus",
    "WorkerCreate",
    "WorkerSetAvailability",
    "WorkerUpdate",
]
