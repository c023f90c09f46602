"""The two schemas, composed from the domain subpackages."""

import graphene

from kado_graphql.federation.schema import FederationQueries
from kado_graphql.region.schema import RegionQueries


class HubQuery(FederationQueries, graphene.ObjectType):
    pass


class RegionQuery(RegionQueries, graphene.ObjectType):
    pass


hub_schema = graphene.Schema(query=HubQuery)
region_schema = graphene.Schema(query=RegionQuery)
