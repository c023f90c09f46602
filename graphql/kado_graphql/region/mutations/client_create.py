import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import ClientKindEnum, choice
from kado_graphql.region.mutations.common import text_or_empty
from kado_graphql.region.types import ClientType
from kado_platform.accounts.policy import Perm
from kado_tenants.clients.services import client_create

OPTIONAL_TEXT = ("name_kana", "corporate_number", "contact_name", "email", "phone")


class ClientCreate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = "Register a client: a company or municipality that orders work."

    class Input:
        """A new client."""

        name = graphene.String(required=True)
        kind = ClientKindEnum(required=True)
        name_kana = graphene.String()
        corporate_number = graphene.String(description="13 digits (法人番号).")
        contact_name = graphene.String()
        email = graphene.String()
        phone = graphene.String()

    client = graphene.Field(ClientType)

    @classmethod
    def perform(cls, root, info, *, name, kind, **data):
        client = client_create(
            name=name,
            kind=choice(kind),
            **text_or_empty(data, *OPTIONAL_TEXT),
            acting_user=info.context.user,
        )
        return cls(client=client)
