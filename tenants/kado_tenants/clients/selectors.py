"""Reads of a region's clients."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from kado_tenants.clients.models import Client
from kado_tenants.clients.models import ClientKind as ClientKind  # for edges: never import models


def client_list(
    *,
    kind: str | None = None,
    search: str = "",
    with_order_counts: bool = False,
    kinds=None,
) -> QuerySet[Client]:
    """Clients by reading; `kinds` keeps those of any listed kind (with `kind`, both apply)."""
    clients = Client.objects.all()
    if kind:
        clients = clients.filter(kind=kind)
    if kinds:
        clients = clients.filter(kind__in=list(kinds))
    search = (search or "").strip()
    if search:
        clients = clients.filter(
            Q(name__icontains=search) | Q(name_kana__icontains=search) | Q(corporate_number=search)
        )
    if with_order_counts:
        clients = clients.annotate(order_count=Count("orders"))
    return clients.order_by("name_kana", "name", "id")


def client_get(*, pk) -> Client | None:
    """One client, or None when this region has no such pk."""
    return Client.objects.filter(pk=pk).first()


def client_find(*, name: str, kind: str) -> Client | None:
    """The client with exactly this name and kind, e.g. the one a federated order names."""
    return Client.objects.filter(name=name, kind=kind).order_by("id").first()
