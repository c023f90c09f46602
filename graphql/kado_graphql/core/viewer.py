import graphene

from kado_graphql.core.types import KadoObjectType
from kado_platform.accounts.policy import Perm, roles_on


class ViewerType(KadoObjectType):
    class Meta:
        name = "Viewer"
        permission = Perm.SIGN_IN
        description = "The signed-in user, as seen on this host."

    email = graphene.String(required=True)
    name = graphene.String(required=True)
    roles = graphene.List(graphene.NonNull(graphene.String), required=True)

    def resolve_roles(user, info):
        return sorted(str(role) for role in roles_on(user, info.context.tenant))


def resolve_viewer(root, info):
    return info.context.user
