"""Invoices and orders named by global IDs, read through selectors (clients: region.lookups)."""

from __future__ import annotations

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import decode_global_id
from kado_graphql.region.lookups import found
from kado_tenants.invoicing.selectors import invoice_get, orders_by_pks


def invoice_by_id(info, value, *, field="id"):
    return found(invoice_get(pk=decode_global_id(info, value, "Invoice", field=field)), field)


def orders_by_ids(info, values, *, field="order_ids"):
    pks = [decode_global_id(info, value, "Order", field=field) for value in values]
    orders = orders_by_pks(pks)
    if len(orders) != len(pks):
        raise NotFoundError(field=field)
    return orders


def invoice_reloaded(invoice):
    """The invoice re-read with its lines and subtotals, as the queries read it."""
    return invoice_get(pk=invoice.pk)
