"""Payout statements named by a global ID, read through a selector; another region's ID is
not_found. Workers and assignments are looked up as the region API does (region.lookups)."""

from __future__ import annotations

from kado_graphql.core.ids import decode_global_id
from kado_graphql.region.lookups import found
from kado_tenants.payouts.selectors import payout_statement_get


def statement_by_id(info, value, *, field="id"):
    pk = decode_global_id(info, value, "PayoutStatement", field=field)
    return found(payout_statement_get(pk=pk), field)
