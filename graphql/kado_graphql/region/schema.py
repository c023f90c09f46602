import graphene

from kado_graphql.core.viewer import ViewerType, resolve_viewer
from kado_graphql.region.types import ClientType, OrderType, RegionInfoType, WorkerType
from kado_tenants.clients.selectors import client_list
from kado_tenants.orders.selectors import order_list
from kado_tenants.workforce.selectors import worker_list

MAX_PAGE = 100


def _page(first):
    return max(0, min(first or MAX_PAGE, MAX_PAGE))


class RegionQueries(graphene.ObjectType):
    viewer = graphene.Field(ViewerType, resolver=resolve_viewer)
    region = graphene.Field(RegionInfoType, required=True)
    workers = graphene.List(graphene.NonNull(WorkerType), required=True, first=graphene.Int())
    clients = graphene.List(graphene.NonNull(ClientType), required=True, first=graphene.Int())
    orders = graphene.List(graphene.NonNull(OrderType), required=True, first=graphene.Int())

    def resolve_region(root, info):
        return info.context.tenant

    def resolve_workers(root, info, first=None):
        return worker_list()[: _page(first)]

    def resolve_clients(root, info, first=None):
        return client_list()[: _page(first)]

    def resolve_orders(root, info, first=None):
        return order_list()[: _page(first)]
