from kado_tenants.clients.models import Client


def client_list(*, kind: str | None = None):
    clients = Client.objects.all()
    if kind:
        clients = clients.filter(kind=kind)
    return clients.order_by("name_kana", "name", "id")
