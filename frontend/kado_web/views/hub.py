"""The federation hub's pages: the coordinator board and the leadership dashboard.

Thin views over the federation's selectors and services (the same the hub API uses):
orders across regions, capacity, federated orders with their allocations, and the
leadership reports with their XLSX and CSV exports.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from kado_platform.accounts.policy import Perm
from kado_platform.core.fiscal import fiscal_year_of
from kado_platform.federation.selectors import (
    capacity,
    federated_order_get,
    federated_order_list,
    live_shares,
    order_index_list,
    report,
    share_figures,
    trend,
    worker_counts_by_region,
)
from kado_web import exports
from kado_web.forms.hub import (
    AllocationForm,
    BoardFilterForm,
    CapacityForm,
    FederatedOrderForm,
    FederatedOrderStatusForm,
    FiscalYearForm,
)
from kado_web.reports import (
    FIRST_FISCAL_YEAR,
    REPORT_SLUGS,
    TITLES,
    YEARLY,
    trend_table,
    workers_table,
    yearly_tables,
)
from kado_web.views.base import PermissionView


class HubView(PermissionView):
    host = "hub"

    def is_htmx(self) -> bool:
        # A history restore asks for the whole page even though htmx sends it.
        return super().is_htmx() and "HX-History-Restore-Request" not in self.request.headers

    def render(self, template, context, *, partial=None, status=200):
        name = partial if partial and self.is_htmx() else template
        response = render(self.request, name, context, status=status)
        if partial:
            patch_vary_headers(response, ["HX-Request"])
        return response


# The coordinator board ----------------------------------------------------------------


class BoardView(HubView):
    """Orders across every region, with the API's filters, sorted and paginated."""

    permission = Perm.FEDERATION_ORDERS

    def get(self, request):
        filters = BoardFilterForm(request.GET)
        page = self.paginate(order_index_list(**filters.filters()))
        return self.render(
            "kado_web/hub/board.html",
            {"filters": filters, "page": page},
            partial="kado_web/hub/_board_results.html",
        )


class CapacityView(HubView):
    """Per region: how many active workers have the skills, and their minutes (counts only)."""

    permission = Perm.FEDERATION_ORDERS

    def get(self, request):
        form = CapacityForm(request.GET if "date_from" in request.GET else None)
        rows = None
        if form.is_bound and form.is_valid():
            rows = capacity(
                skills=form.cleaned_data["skills"],
                date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"],
            )
        context = {
            "form": form,
            "rows": rows,
            "total_workers": sum(row["workers"] for row in rows or []),
            "total_minutes": sum(row["minutes"] for row in rows or []),
        }
        return self.render(
            "kado_web/hub/capacity.html", context, partial="kado_web/hub/_capacity.html"
        )


def _progress(order) -> dict:
    """Shares cancelled in their region are listed but no longer count as allocated."""
    return {
        "order": order,
        "allocations": list(order.allocations.all()),
        "live_region_ids": [a.region_id for a in live_shares(order)],
        **share_figures(order),
    }


class FederatedOrderListView(HubView):
    permission = Perm.FEDERATION_ORDERS

    def get(self, request):
        page = self.paginate(federated_order_list())
        return self.render(
            "kado_web/hub/federated_list.html",
            {
                "page": page,
                "rows": [_progress(order) for order in page],
                "can_allocate": self.can(Perm.FEDERATION_ALLOCATE),
            },
        )


class FederatedOrderCreateView(HubView):
    permission = Perm.FEDERATION_ALLOCATE

    def get(self, request):
        return self.show(FederatedOrderForm(user=request.user))

    def post(self, request):
        form = FederatedOrderForm(request.POST, user=request.user)
        order = form.save()
        if order is None:
            return self.show(form, status=200)
        messages.success(
            request,
            _("The federated order %(reference)s was registered.") % {"reference": order.reference},
        )
        return redirect("federated_order_detail", pk=order.pk)

    def show(self, form, status=200):
        return self.render("kado_web/hub/federated_form.html", {"form": form}, status=status)


class FederatedOrderDetailView(HubView):
    """A federated order, its allocations with each region's progress, and the forms.

    Coordinators close or cancel the order by posting here; everyone else may only read.
    """

    permission = Perm.FEDERATION_ORDERS

    def get(self, request, pk):
        return self.show(self.found(federated_order_get(pk=pk)))

    def post(self, request, pk):
        if not self.can(Perm.FEDERATION_ALLOCATE):
            raise PermissionDenied
        order = self.found(federated_order_get(pk=pk))
        status_form = FederatedOrderStatusForm(
            request.POST, federated_order=order, user=request.user
        )
        done = status_form.save()
        if done is None:
            return self.show(self.found(federated_order_get(pk=pk)), status_form=status_form)
        messages.success(
            request,
            _("The federated order %(reference)s is now “%(status)s”.")
            % {"reference": done.reference, "status": done.get_status_display()},
        )
        return redirect("federated_order_detail", pk=order.pk)

    def show(self, order, *, form=None, status_form=None):
        progress = _progress(order)  # the allocations are prefetched: no second sum query
        can_allocate = self.can(Perm.FEDERATION_ALLOCATE) and order.status == "open"
        if form is None and can_allocate:
            form = AllocationForm(
                federated_order=order,
                allocated_region_ids=progress["live_region_ids"],
                user=self.request.user,
            )
        return self.render(
            "kado_web/hub/federated_detail.html",
            {
                **progress,
                "left_minutes": order.total_minutes - progress["allocated_minutes"],
                "left_amount": order.total_amount - progress["allocated_amount"],
                "form": form if can_allocate else None,
                "can_change_status": can_allocate,
                "status_form": status_form,
            },
        )


class AllocationCreateView(FederatedOrderDetailView):
    permission = Perm.FEDERATION_ALLOCATE
    http_method_names = ["post"]

    def post(self, request, pk):
        order = self.found(federated_order_get(pk=pk))
        form = AllocationForm(
            request.POST,
            federated_order=order,
            allocated_region_ids=[a.region_id for a in live_shares(order)],
            user=request.user,
        )
        allocation = form.save()
        if allocation is None:
            return self.show(self.found(federated_order_get(pk=pk)), form=form)
        messages.success(
            request,
            _("%(minutes)s minutes were allocated to %(region)s.")
            % {"minutes": f"{allocation.minutes:,}", "region": allocation.region.name},
        )
        return redirect("federated_order_detail", pk=order.pk)


# The leadership dashboard -------------------------------------------------------------


def _chosen_year(request) -> tuple[FiscalYearForm, list[dict]]:
    """The fiscal-year form and the trend FY2015 → latest (cancelled orders excluded).

    Without a choice the form falls back to the latest fiscal year that has orders, else
    the current one.
    """
    latest = fiscal_year_of(timezone.localdate())
    points = trend(from_fiscal_year=FIRST_FISCAL_YEAR, to_fiscal_year=latest)
    with_orders = [p["fiscal_year"] for p in points if p["orders"]]
    default = with_orders[-1] if with_orders else latest
    return FiscalYearForm(request.GET or None, latest=latest, default=default), points


class LeadershipView(HubView):
    permission = Perm.FEDERATION_REPORTS

    def get(self, request):
        form, points = _chosen_year(request)
        fiscal_year = form.value()
        figures = report(fiscal_year=fiscal_year)
        tables = [trend_table(points), workers_table(worker_counts_by_region())]
        tables += yearly_tables(figures)
        return self.render(
            "kado_web/hub/leadership.html",
            {
                "form": form,
                "fiscal_year": fiscal_year,
                "report": figures,
                "tables": tables,
                "yearly": YEARLY,
            },
        )


class ReportExportView(HubView):
    """One report (or `all` of them) as XLSX or CSV, from the same selectors as the page."""

    permission = Perm.FEDERATION_REPORTS

    def get(self, request, slug, fmt):
        if fmt not in {"xlsx", "csv"} or (slug not in REPORT_SLUGS and slug != "all"):
            raise Http404
        if slug == "all" and fmt != "xlsx":
            raise Http404
        form, points = _chosen_year(request)
        fiscal_year = form.value()
        tables = []
        if slug in {"trend", "all"}:
            tables.append(trend_table(points))
        if slug in {"workers", "all"}:
            tables.append(workers_table(worker_counts_by_region()))
        if slug in YEARLY or slug == "all":
            tables += [
                t for t in yearly_tables(report(fiscal_year=fiscal_year)) if slug in {t.slug, "all"}
            ]
        suffix = "" if slug in {"trend", "workers"} else f"-fy{fiscal_year}"
        filename = f"kado-{slug}{suffix}.{fmt}"
        if fmt == "xlsx":
            subtitle = str(TITLES.get(slug, _("Leadership reports")))
            return exports.xlsx_response(tables, filename, subtitle=subtitle)
        encoding = (
            "cp932"
            if request.GET.get("encoding", "").lower() in {"cp932", "shift_jis", "sjis"}
            else "utf-8"
        )
        if encoding == "cp932":
            filename = filename.replace(".csv", "-sjis.csv")
        return exports.csv_response(tables[0], filename, encoding)
