"""Enums of the hub API, built from the domain's choices so they never drift apart."""

import graphene

from kado_tenants.clients.choices import ClientKind
from kado_tenants.orders.categories import Category
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.lifecycle import OrderStatus


def _enum(name, choices, description):
    return graphene.Enum(
        name,
        [(value.upper(), value) for value in choices.values],
        description=description,
    )


OrderStatusEnum = _enum("OrderStatus", OrderStatus, "Where an order is in its life cycle.")
CategoryEnum = _enum("Category", Category, "The kind of work (業務分類).")
ClientKindEnum = _enum("ClientKind", ClientKind, "Who ordered the work.")
ContractTypeEnum = _enum("ContractType", ContractType, "How the work is priced.")


class OrderOrderBy(graphene.Enum):
    """How aggregated orders are sorted; ties are broken by the index row."""

    RECEIVED_DESC = "RECEIVED_DESC"
    RECEIVED_ASC = "RECEIVED_ASC"
    DUE_ASC = "DUE_ASC"
    DUE_DESC = "DUE_DESC"
    AMOUNT_DESC = "AMOUNT_DESC"
    AMOUNT_ASC = "AMOUNT_ASC"
