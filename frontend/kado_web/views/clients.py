from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_tenants.clients.selectors import client_get, client_list
from kado_web.forms.clients import ClientFilterForm, ClientForm
from kado_web.views.base import PermissionView


class ClientListView(PermissionView):
    permission = Perm.REGION_READ

    def get(self, request):
        filters = ClientFilterForm(request.GET)
        clients = client_list(
            kind=filters.value("kind"), search=filters.value("q", ""), with_order_counts=True
        )
        template = (
            "kado_web/region/clients/_results.html"
            if self.is_htmx()
            else "kado_web/region/clients/list.html"
        )
        return render(
            request,
            template,
            {
                "filters": filters,
                "page": self.paginate(clients),
                "can_write": self.can(Perm.REGION_WRITE),
            },
        )


class ClientEditView(PermissionView):
    permission = Perm.REGION_WRITE

    def get(self, request, pk=None):
        client = self.found(client_get(pk=pk)) if pk is not None else None
        form = ClientForm(client=client, user=request.user)
        return self.show(request, form, client)

    def post(self, request, pk=None):
        client = self.found(client_get(pk=pk)) if pk is not None else None
        form = ClientForm(request.POST, client=client, user=request.user)
        if form.save() is not None:
            messages.success(
                request, _("The client was registered.") if client is None else _("Saved.")
            )
            return redirect("client_list")
        return self.show(request, form, client)

    def show(self, request, form, client):
        return render(
            request, "kado_web/region/clients/form.html", {"form": form, "client": client}
        )
