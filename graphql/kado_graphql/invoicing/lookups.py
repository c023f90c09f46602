"""Invoices, clients and orders named by global IDs, read through selectors."""

from __future__ import annotations

from kado_graphql.core.errors import NotFoundError
from kado_graphql.core.ids import decode_global_id
from kado_tenants.clients.selectors import client_get
from kado_tenants.invoicing.selectors import invoice_get, orders_by_pks


def invoice_by_id(info, value, *, field="id"):
    invoice = invoice_get(pk=decode_global_id(info, value, "Invoice", field=field))
    if invoice is None:
        raise NotFoundError(field=field)
    return invoice


def client_by_id(info, value, *, field="client_id"):
    client = client_get(pk=decode_global_id(info, value, "Client", field=field))
    if client is None:
        raise NotFoundError(field=field)
    return client


def orders_by_ids(info, values, *, field="order_ids"):
    pks = [decode_global_id(info, value, "Order", field=field) for value in values]
    orders = orders_by_pks(pks)
    if len(orders) != len(pks):
        raise NotFoundError(field=field)
    return orders


def invoice_reloaded(invoice):
    """The invoice re-read with its lines and subtotals, as the queries read it."""
    return invoice_get(pk=invoice.pk)
