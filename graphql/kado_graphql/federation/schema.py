import graphene
from django.utils.translation import gettext as _

from kado_graphql.core.connections import KadoConnectionField
from kado_graphql.core.errors import BadInputError
from kado_graphql.core.ids import resolve_global_id
from kado_graphql.core.viewer import ViewerType, resolve_viewer
from kado_graphql.federation.enums import OrderOrderBy
from kado_graphql.federation.filters import OrderFilter, order_filter_arguments
from kado_graphql.federation.mutations.allocation_create import AllocationCreate
from kado_graphql.federation.mutations.federated_order_cancel import FederatedOrderCancel
from kado_graphql.federation.mutations.federated_order_close import FederatedOrderClose
from kado_graphql.federation.mutations.federated_order_create import FederatedOrderCreate
from kado_graphql.federation.mutations.lookups import federated_order_for_id
from kado_graphql.federation.types import (
    FederatedOrderConnection,
    FederatedOrderType,
    FederationOrderConnection,
    OrderDetailType,
    RegionCapacityType,
    RegionType,
    ReportType,
    TrendPointType,
)
from kado_platform.core.errors import DomainError
from kado_platform.federation import selectors
from kado_platform.regions.selectors import region_get, region_list

MAX_CAPACITY_DAYS = 366
MAX_TREND_YEARS = 30
MAX_SKILLS = 20


class FederationQueries(graphene.ObjectType):
    viewer = graphene.Field(ViewerType, resolver=resolve_viewer)
    regions = graphene.List(graphene.NonNull(RegionType), required=True)
    orders = KadoConnectionField(
        FederationOrderConnection,
        filter=OrderFilter(),
        order_by=OrderOrderBy(default_value=OrderOrderBy.RECEIVED_DESC.value),
        description="Orders of every region, from the federation's read model.",
    )
    order = graphene.Field(
        OrderDetailType,
        id=graphene.ID(required=True),
        description="One order, drilled down into its region.",
    )
    capacity = graphene.List(
        graphene.NonNull(RegionCapacityType),
        required=True,
        skills=graphene.List(graphene.NonNull(graphene.String), required=True),
        from_=graphene.Date(required=True, name="from"),
        to=graphene.Date(required=True),
        description="Per region: active workers having all the skills, and their minutes.",
    )
    federated_orders = KadoConnectionField(FederatedOrderConnection)
    federated_order = graphene.Field(FederatedOrderType, id=graphene.ID(required=True))
    report = graphene.Field(ReportType, fiscal_year=graphene.Int(required=True))
    trend = graphene.List(
        graphene.NonNull(TrendPointType),
        required=True,
        from_fiscal_year=graphene.Int(required=True),
        to_fiscal_year=graphene.Int(required=True),
    )

    def resolve_regions(root, info):
        return region_list()

    def resolve_orders(root, info, filter=None, order_by=OrderOrderBy.RECEIVED_DESC.value):  # noqa: A002
        return selectors.order_index_list(
            **order_filter_arguments(filter), order_by=getattr(order_by, "value", order_by)
        )

    def resolve_order(root, info, id):  # noqa: A002
        global_id = resolve_global_id(info, id, "Order", field="id")
        try:
            region = region_get(code=global_id.region)
        except DomainError:
            return None
        return selectors.order_drilldown(region=region, order_id=global_id.pk)

    def resolve_capacity(root, info, skills, from_, to):
        if to < from_ or (to - from_).days >= MAX_CAPACITY_DAYS:
            raise BadInputError(
                _("The window must run forwards and last at most %(days)s days.")
                % {"days": MAX_CAPACITY_DAYS},
                field="to",
            )
        if len(skills) > MAX_SKILLS:
            raise BadInputError(_("Ask for at most 20 skills."), field="skills")
        return selectors.capacity(skills=skills, date_from=from_, date_to=to)

    def resolve_federated_orders(root, info):
        return selectors.federated_order_list()

    def resolve_federated_order(root, info, id):  # noqa: A002
        return federated_order_for_id(info, id, field="id")

    def resolve_report(root, info, fiscal_year):
        _check_fiscal_year(fiscal_year, field="fiscalYear")
        return selectors.report(fiscal_year=fiscal_year)

    def resolve_trend(root, info, from_fiscal_year, to_fiscal_year):
        _check_fiscal_year(from_fiscal_year, field="fromFiscalYear")
        _check_fiscal_year(to_fiscal_year, field="toFiscalYear")
        if not 0 <= to_fiscal_year - from_fiscal_year < MAX_TREND_YEARS:
            raise BadInputError(
                _("The range must run forwards and span at most 30 years."), field="toFiscalYear"
            )
        return selectors.trend(from_fiscal_year=from_fiscal_year, to_fiscal_year=to_fiscal_year)


def _check_fiscal_year(value: int, *, field: str) -> None:
    if not 2000 <= value <= 2100:
        raise BadInputError(_("A fiscal year between 2000 and 2100."), field=field)


class FederationMutations(graphene.ObjectType):
    federated_order_create = FederatedOrderCreate.Field()
    allocation_create = AllocationCreate.Field()
    federated_order_close = FederatedOrderClose.Field()
    federated_order_cancel = FederatedOrderCancel.Field()
