"""The two schemas, composed from the domain subpackages."""

import graphene

from kado_graphql.deliverables.schema import DeliverableMutations, DeliverableQueries
from kado_graphql.federation.schema import FederationMutations, FederationQueries
from kado_graphql.invoicing.schema import InvoicingMutations, InvoicingQueries
from kado_graphql.payouts.schema import PayoutMutations, PayoutQueries
from kado_graphql.region.schema import RegionMutations, RegionQueries


class HubQuery(FederationQueries, graphene.ObjectType):
    pass


class RegionQuery(
    RegionQueries, PayoutQueries, InvoicingQueries, DeliverableQueries, graphene.ObjectType
):
    pass


class RegionMutation(
    RegionMutations,
    PayoutMutations,
    InvoicingMutations,
    DeliverableMutations,
    graphene.ObjectType,
):
    pass


class HubMutation(FederationMutations, graphene.ObjectType):
    pass


hub_schema = graphene.Schema(query=HubQuery, mutation=HubMutation)
region_schema = graphene.Schema(query=RegionQuery, mutation=RegionMutation)
