"""Wide-area orders: the hub splits a client's order across regions (広域連携)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import get_public_schema_name, schema_context

from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError, validate
from kado_platform.core.fiscal import fiscal_year_of
from kado_platform.federation.models import Allocation, FederatedOrder, FederatedOrderStatus
from kado_platform.federation.selectors import allocated_totals, live_allocations
from kado_tenants.clients.models import ClientKind
from kado_tenants.orders.categories import Category
from kado_tenants.orders.lifecycle import (
    DELIVERED_OR_LATER,
    OrderStatus,
    can_transition,
    earliest_next_step,
)
from kado_tenants.orders.models import ContractType
from kado_tenants.orders.services import order_amount


def _positive(value, *, field: str, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < (0 if allow_zero else 1):
        raise DomainError(
            "not_positive",
            _("Enter a whole number of at least %(minimum)s."),
            field=field,
            params={"minimum": 0 if allow_zero else 1},
        )
    return value


def _next_reference(received_on: datetime.date) -> str:
    fiscal_year = fiscal_year_of(received_on)
    prefix = f"F{fiscal_year}-"
    count = FederatedOrder.objects.filter(reference__startswith=prefix).count()
    return f"{prefix}{count + 1:04d}"


@transaction.atomic
def federated_order_create(
    *,
    client_name: str,
    client_kind: str,
    title: str,
    category: str,
    contract_type: str,
    unit_price: int,
    total_minutes: int,
    received_on: datetime.date,
    due_on: datetime.date,
    total_units: int = 1,
    acting_user=None,
) -> FederatedOrder:
    with schema_context(get_public_schema_name()):
        if client_kind not in ClientKind.values:
            raise DomainError(
                "invalid_choice", _("Choose a valid client kind."), field="client_kind"
            )
        if category not in Category.values:
            raise DomainError("invalid_choice", _("Choose a valid category."), field="category")
        if contract_type not in ContractType.values:
            raise DomainError(
                "invalid_choice", _("Choose a valid contract type."), field="contract_type"
            )
        # Every share is priced from it, and a region's order refuses a zero price.
        _positive(unit_price, field="unit_price")
        _positive(total_minutes, field="total_minutes")
        _positive(total_units, field="total_units")
        if due_on < received_on:
            raise DomainError(
                "due_before_received",
                _("The due date cannot be before the date received."),
                field="due_on",
            )
        order = FederatedOrder(
            reference=_next_reference(received_on),
            client_name=(client_name or "").strip(),
            client_kind=client_kind,
            title=(title or "").strip(),
            category=category,
            contract_type=contract_type,
            unit_price=unit_price,
            total_minutes=total_minutes,
            total_units=total_units,
            total_amount=order_amount(
                contract_type=contract_type,
                unit_price=unit_price,
                estimated_minutes=total_minutes,
                quantity=total_units,
            ),
            received_on=received_on,
            due_on=due_on,
            created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        validate(order, exclude=["created_by", "reference"])
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    order.save()
                break
            except IntegrityError:
                # Another coordinator took this reference a moment ago: take the next one.
                order.pk = None
                order.reference = _next_reference(received_on)
        else:
            raise DomainError(
                "reference_taken", _("Try again: the reference was just taken."), field="reference"
            )
        audit_record(
            action="federated_order.create",
            actor=acting_user,
            instance=order,
            changes={"amount": order.total_amount, "minutes": order.total_minutes},
            region_code="",
        )
        return order


def _lock_open(federated_order, message) -> FederatedOrder:
    """Lock the order's row, so allocating, closing and cancelling queue up, and check it is open."""
    order = FederatedOrder.objects.select_for_update().get(pk=federated_order.pk)
    if order.status != FederatedOrderStatus.OPEN:
        raise DomainError("federated_order_closed", message, field="federated_order")
    return order


@transaction.atomic
def allocation_create(
    *, federated_order: FederatedOrder, region, minutes: int, units: int = 1, acting_user=None
) -> Allocation:
    """Give a region its share and create the regional order, in one transaction.

    The federated order's row is locked first, so coordinators allocating at the same
    time queue up and each sees what the others allocated: the totals can never be
    exceeded.
    """
    with schema_context(get_public_schema_name()):
        order = _lock_open(
            federated_order, _("This federated order is no longer open for allocation.")
        )
        if region is None or region.is_federation or region.is_suspended:
            raise DomainError("region_unavailable", _("Choose an active region."), field="region")
        _positive(minutes, field="minutes")
        _positive(units, field="units")
        if order.contract_type == ContractType.HOURLY:
            units = 1
        amount = order_amount(
            contract_type=order.contract_type,
            unit_price=order.unit_price,
            estimated_minutes=minutes,
            quantity=units,
        )
        allocated = allocated_totals(order)
        if allocated["minutes"] + minutes > order.total_minutes:
            raise DomainError(
                "over_allocated",
                _("Only %(left)s minutes are left to allocate."),
                field="minutes",
                params={"left": order.total_minutes - allocated["minutes"]},
            )
        if order.contract_type == ContractType.PER_DELIVERABLE and (
            allocated["units"] + units > order.total_units
        ):
            raise DomainError(
                "over_allocated",
                _("Only %(left)s units are left to allocate."),
                field="units",
                params={"left": order.total_units - allocated["units"]},
            )
        if allocated["amount"] + amount > order.total_amount:
            raise DomainError(
                "over_allocated",
                _("Only %(left)s yen are left to allocate."),
                field="minutes",
                params={"left": order.total_amount - allocated["amount"]},
            )
        # One share per region; a share whose regional order was cancelled is replaced:
        # its row then points at the new regional order (the audit log keeps the old one).
        previous = Allocation.objects.filter(federated_order=order, region=region).first()
        if previous is not None and live_allocations(order).filter(pk=previous.pk).exists():
            raise DomainError(
                "already_allocated",
                _("This region already has a share of this order."),
                field="region",
            )
        regional = _regional_order_create(
            order=order, region=region, minutes=minutes, units=units, acting_user=acting_user
        )
        created_by = acting_user if getattr(acting_user, "is_authenticated", False) else None
        changes = {
            "federated_order": order.reference,
            "minutes": minutes,
            "units": units,
            "amount": amount,
            "order_id": regional.pk,
        }
        if previous is None:
            allocation = Allocation.objects.create(
                federated_order=order,
                region=region,
                minutes=minutes,
                units=units,
                amount=amount,
                order_id=regional.pk,
                created_by=created_by,
            )
        else:
            allocation = previous
            changes["replaced_order_id"] = previous.order_id
            allocation.minutes, allocation.units, allocation.amount = minutes, units, amount
            allocation.order_id, allocation.created_by = regional.pk, created_by
            allocation.created_at = timezone.now()
            allocation.save(
                update_fields=["minutes", "units", "amount", "order_id", "created_by", "created_at"]
            )
        audit_record(
            action="allocation.create",
            actor=acting_user,
            instance=allocation,
            changes=changes,
            region_code=region.code,
        )
        return allocation


def _regional_order_create(*, order, region, minutes, units, acting_user):
    from kado_tenants.clients.selectors import client_find
    from kado_tenants.clients.services import client_create
    from kado_tenants.orders.services import order_create

    with schema_context(region.schema_name):
        client = client_find(name=order.client_name, kind=order.client_kind) or client_create(
            name=order.client_name, kind=order.client_kind, acting_user=acting_user
        )
        return order_create(
            client=client,
            title=order.title,
            category=order.category,
            contract_type=order.contract_type,
            unit_price=order.unit_price,
            estimated_minutes=minutes,
            quantity=units,
            received_on=order.received_on,
            due_on=order.due_on,
            federated_order_id=order.pk,
            acting_user=acting_user,
        )


# The shares' regional orders, read and locked in their regions.
def _locked_shares(order: FederatedOrder) -> list[tuple[Allocation, object]]:
    """Each allocation with its regional order, locked: the region cannot move it meanwhile."""
    from kado_tenants.orders.models import Order

    shares = []
    allocations = Allocation.objects.filter(federated_order=order).select_related("region")
    for allocation in allocations.order_by("region__code"):
        with schema_context(allocation.region.schema_name):
            regional = Order.objects.select_for_update().get(pk=allocation.order_id)
        shares.append((allocation, regional))
    return shares


def _status_changed(
    order: FederatedOrder, *, to_status: str, action: str, acting_user, changes: dict
) -> None:
    from_status = order.status
    order.status = to_status
    order.save(update_fields=["status"])
    audit_record(
        action=action,
        actor=acting_user,
        instance=order,
        changes={"status": [from_status, to_status], **changes},
        region_code="",
    )


@transaction.atomic
def federated_order_close(*, federated_order: FederatedOrder, acting_user=None) -> FederatedOrder:
    """Close a wide-area order whose work is done: every live share delivered or later.

    Cancelled shares are left out; an order with no live share is cancelled, not closed.
    Closing ends allocation; the regions go on inspecting and invoicing their orders.
    """
    with schema_context(get_public_schema_name()):
        order = _lock_open(
            federated_order, _("This federated order is already closed or cancelled.")
        )
        live = [
            (allocation, regional)
            for allocation, regional in _locked_shares(order)
            if regional.status != OrderStatus.CANCELLED
        ]
        if not live:
            raise DomainError(
                "nothing_delivered",
                _("No region has a share of this order to deliver: cancel it instead."),
                field="federated_order",
            )
        for allocation, regional in live:
            if regional.status not in DELIVERED_OR_LATER:
                raise DomainError(
                    "share_not_delivered",
                    _("%(region)s has not delivered its share yet."),
                    field="federated_order",
                    params={"region": allocation.region.name},
                )
        _status_changed(
            order,
            to_status=FederatedOrderStatus.CLOSED,
            action="federated_order.close",
            acting_user=acting_user,
            changes={"regions": [allocation.region.code for allocation, _regional in live]},
        )
        return order


def _cancel_date(regional) -> datetime.date:
    """Today, or the regional order's latest date when that is later (received in advance)."""
    return max(timezone.localdate(), earliest_next_step(regional))


@transaction.atomic
def federated_order_cancel(*, federated_order: FederatedOrder, acting_user=None) -> FederatedOrder:
    """Cancel a wide-area order and, in the same transaction, every regional order of it.

    Refused while any share has work logged (that work is owed to the worker and belongs
    to the client's bill) or has gone past delivery: the regions settle those first.
    """
    from kado_tenants.orders.models import WorkLog
    from kado_tenants.orders.services import order_transition

    with schema_context(get_public_schema_name()):
        order = _lock_open(
            federated_order, _("This federated order is already closed or cancelled.")
        )
        to_cancel = []
        for allocation, regional in _locked_shares(order):
            if regional.status == OrderStatus.CANCELLED:
                continue
            with schema_context(allocation.region.schema_name):
                worked = WorkLog.objects.filter(assignment__order_id=regional.pk).exists()
            if worked:
                raise DomainError(
                    "share_has_work",
                    _("%(region)s has logged work on its share: the order cannot be cancelled."),
                    field="federated_order",
                    params={"region": allocation.region.name},
                )
            if not can_transition(regional.status, OrderStatus.CANCELLED):
                raise DomainError(
                    "share_not_cancellable",
                    _("%(region)s has taken its share past delivery: it cannot be cancelled."),
                    field="federated_order",
                    params={"region": allocation.region.name},
                )
            to_cancel.append((allocation, regional))
        for allocation, regional in to_cancel:
            with schema_context(allocation.region.schema_name):
                order_transition(
                    order=regional,
                    to_status=OrderStatus.CANCELLED,
                    on_date=_cancel_date(regional),
                    acting_user=acting_user,
                )
        _status_changed(
            order,
            to_status=FederatedOrderStatus.CANCELLED,
            action="federated_order.cancel",
            acting_user=acting_user,
            changes={
                "cancelled_orders": {
                    allocation.region.code: regional.pk for allocation, regional in to_cancel
                }
            },
        )
        return order
