import graphene

from kado_graphql.core.viewer import ViewerType, resolve_viewer
from kado_graphql.federation.types import RegionType
from kado_platform.regions.selectors import region_list


class FederationQueries(graphene.ObjectType):
    viewer = graphene.Field(ViewerType, resolver=resolve_viewer)
    regions = graphene.List(graphene.NonNull(RegionType), required=True)

    def resolve_regions(root, info):
        return region_list()
