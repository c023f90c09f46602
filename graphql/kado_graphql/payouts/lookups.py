"""Rows named by a global ID, read through selectors; another region's ID is not_found."""

from __future__ import annotations

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import decode_global_id
from kado_tenants.orders.selectors import assignment_get
from kado_tenants.payouts.selectors import payout_statement_get
from kado_tenants.workforce.selectors import worker_get


def _found(row, field):
    if row is None:
        raise NotFoundError(field=field)
    return row


def statement_by_id(info, value, *, field="id"):
    pk = decode_global_id(info, value, "PayoutStatement", field=field)
    return _found(payout_statement_get(pk=pk), field)


def worker_by_id(info, value, *, field="worker_id"):
    return _found(worker_get(pk=decode_global_id(info, value, "Worker", field=field)), field)


def assignment_by_id(info, value, *, field="assignment_id"):
    pk = decode_global_id(info, value, "Assignment", field=field)
    return _found(assignment_get(pk=pk), field)
