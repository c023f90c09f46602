"""Rows named by a global ID in an argument: decoded for this region, read through a
selector, and refused as `not_found` when this region has no such row (an ID of another
region never reaches the database)."""

from __future__ import annotations

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import decode_global_id
from kado_tenants.clients.selectors import client_get
from kado_tenants.orders.selectors import (
    assignment_get,
    order_list,
    orders_with_assignments,
    worklog_get,
)
from kado_tenants.workforce.selectors import worker_get


def found(row, field):
    """The row, or `not_found` on the argument `field` when there is none."""
    if row is None:
        raise NotFoundError(field=field)
    return row


def worker_by_id(info, value, *, field="id"):
    return found(worker_get(pk=decode_global_id(info, value, "Worker", field=field)), field)


def client_by_id(info, value, *, field="id"):
    return found(client_get(pk=decode_global_id(info, value, "Client", field=field)), field)


def order_by_id(info, value, *, field="id", with_assignments=True):
    """The order with its client, logged minutes and (by default) its assignments."""
    return found(
        _order(decode_global_id(info, value, "Order", field=field), with_assignments), field
    )


def order_reloaded(order):
    """A written order as the API shows it: client, logged minutes and assignments."""
    return _order(order.pk, True)


def _order(pk, with_assignments):
    orders = order_list()
    if with_assignments:
        orders = orders_with_assignments(orders)
    return orders.filter(pk=pk).first()


def assignment_by_id(info, value, *, field="id"):
    return found(assignment_get(pk=decode_global_id(info, value, "Assignment", field=field)), field)


def work_log_by_id(info, value, *, field="id"):
    return found(worklog_get(pk=decode_global_id(info, value, "WorkLog", field=field)), field)
