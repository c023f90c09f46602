import graphene

from kado_graphql.core.types import KadoObjectType
from kado_platform.accounts.policy import Perm


class RegionType(KadoObjectType):
    class Meta:
        name = "Region"
        permission = Perm.SIGN_IN
        description = "A partner region of the federation (one schema, one host)."

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)
    kind = graphene.String(required=True)
    status = graphene.String(required=True)
    prefecture = graphene.String(required=True)
    municipality_code = graphene.String(required=True)
    joined_on = graphene.Date(required=True)
    host = graphene.String(required=True)
