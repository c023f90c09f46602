"""The region API's enums, built from the domain's TextChoices.

A GraphQL value is the choice's Python *name* (`IN_PROGRESS`), never its stored value
(`in_progress`) or its label: names are part of the public contract and stay as they
are; a new choice adds a value, and a value is never renamed or removed without a
deprecation first. Each value's description is the choice's English label.
"""

from __future__ import annotations

import graphene
from django.utils import translation

from kado_tenants.clients.selectors import ClientKind
from kado_tenants.orders.categories import Category
from kado_tenants.orders.lifecycle import OrderStatus
from kado_tenants.orders.services import ContractType
from kado_tenants.workforce.services import ConstraintReason, WorkerStatus


def choices_enum(choices, name: str, description: str):
    """A GraphQL enum of a TextChoices: member names as values, English labels described."""

    def describe(value):
        if value is None:
            return description
        with translation.override("en"):
            return str(value.label)

    return graphene.Enum.from_enum(choices, name=name, description=describe)


WorkerStatusEnum = choices_enum(
    WorkerStatus,
    "WorkerStatus",
    "Where a worker is on the journey: APPLICANT → TRAINING → ACTIVE → EMPLOYED or "
    "SOCIAL_PARTICIPATION → RETURNED → ACTIVE; LEFT from APPLICANT, TRAINING or ACTIVE, "
    "and back to ACTIVE.",
)
ConstraintReasonEnum = choices_enum(
    ConstraintReason,
    "ConstraintReason",
    "Why a worker's time is constrained. Sensitive personal data: region admins only.",
)
ClientKindEnum = choices_enum(ClientKind, "ClientKind", "What kind of client orders the work.")
OrderStatusEnum = choices_enum(
    OrderStatus,
    "OrderStatus",
    "The order life cycle: RECEIVED → IN_PROGRESS → DELIVERED → INSPECTED → INVOICED → "
    "PAID; CANCELLED from RECEIVED, IN_PROGRESS or DELIVERED.",
)
OrderCategoryEnum = choices_enum(Category, "OrderCategory", "The type of work (業務分類).")
ContractTypeEnum = choices_enum(
    ContractType,
    "ContractType",
    "How an order is priced: HOURLY on the estimated minutes, PER_DELIVERABLE per unit.",
)


class OrderSortField(graphene.Enum):
    """What a list of orders can be sorted by (the id breaks ties)."""

    RECEIVED_ON = "received_on"
    DUE_ON = "due_on"
    AMOUNT = "amount"
    REFERENCE = "reference"


class WorkerSortField(graphene.Enum):
    """What a list of workers can be sorted by (the id breaks ties)."""

    NAME_KANA = "name_kana"
    JOINED_ON = "joined_on"
    HOURLY_RATE = "hourly_rate"


class SortDirection(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


def choice(value) -> str:
    """The stored value of an enum argument (a TextChoices member or a graphene member)."""
    return str(getattr(value, "value", value))
