"""Orders and deliverables named by global IDs: decoded for this region only (an ID of
another region is `not_found` and never reaches the database), read through selectors."""

from __future__ import annotations

from kado_graphql.core.ids import decode_global_id
from kado_graphql.region.lookups import found
from kado_tenants.deliverables.selectors import deliverable_get
from kado_tenants.orders.selectors import order_get


def order_by_id(info, value, *, field="order_id"):
    return found(order_get(pk=decode_global_id(info, value, "Order", field=field)), field)


def deliverable_by_id(info, value, *, field="id"):
    pk = decode_global_id(info, value, "Deliverable", field=field)
    return found(deliverable_get(pk=pk), field)
