import graphene

from kado_graphql.core.mutations import KadoMutation
from kado_graphql.region.enums import ClientKindEnum, choice
from kado_graphql.region.lookups import client_by_id
from kado_graphql.region.mutations.client_create import OPTIONAL_TEXT
from kado_graphql.region.mutations.common import text_or_empty
from kado_graphql.region.types import ClientType
from kado_platform.accounts.policy import Perm
from kado_tenants.clients.services import client_update


class ClientUpdate(KadoMutation):
    class Meta:
        permission = Perm.REGION_WRITE
        description = "Change a client's details: only the fields given change."

    class Input:
        """The client and the fields to change."""

        id = graphene.ID(required=True)
        name = graphene.String()
        kind = ClientKindEnum()
        name_kana = graphene.String()
        corporate_number = graphene.String()
        contact_name = graphene.String()
        email = graphene.String()
        phone = graphene.String()

    client = graphene.Field(ClientType)

    @classmethod
    def perform(cls, root, info, *, id, **data):  # noqa: A002
        client = client_by_id(info, id)
        changes = text_or_empty(data, *OPTIONAL_TEXT)
        if "name" in data:
            changes["name"] = data["name"] or ""
        if "kind" in data:
            changes["kind"] = choice(data["kind"]) if data["kind"] is not None else ""
        client = client_update(client=client, acting_user=info.context.user, **changes)
        return cls(client=client)
