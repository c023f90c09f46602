import graphene

from kado_graphql.core.types import KadoObjectType
from kado_platform.accounts.policy import Perm


class RegionInfoType(KadoObjectType):
    class Meta:
        name = "RegionInfo"
        permission = Perm.SIGN_IN

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)


class SkillType(KadoObjectType):
    class Meta:
        name = "Skill"
        permission = Perm.REGION_READ

    code = graphene.String(required=True)
    name = graphene.String(required=True)
    name_en = graphene.String(required=True)


class WorkerType(KadoObjectType):
    class Meta:
        name = "Worker"
        permission = Perm.REGION_READ
        field_permissions = {
            "constraint_reason": Perm.REGION_SENSITIVE,
            "constraint_note": Perm.REGION_SENSITIVE,
        }

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    name_kana = graphene.String(required=True)
    status = graphene.String(required=True)
    hourly_rate = graphene.Int(required=True, description="Yen per hour.")
    skills = graphene.List(graphene.NonNull(SkillType), required=True)
    constraint_reason = graphene.String(description="Sensitive: region admins only.")
    constraint_note = graphene.String(description="Sensitive: region admins only.")

    def resolve_skills(worker, info):
        return worker.skills.all()


class ClientType(KadoObjectType):
    class Meta:
        name = "Client"
        permission = Perm.REGION_READ

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    kind = graphene.String(required=True)


class OrderType(KadoObjectType):
    class Meta:
        name = "Order"
        permission = Perm.REGION_READ

    id = graphene.ID(required=True)
    reference = graphene.String(required=True)
    title = graphene.String(required=True)
    category = graphene.String(required=True)
    status = graphene.String(required=True)
    amount = graphene.Int(required=True, description="Yen.")
    estimated_minutes = graphene.Int(required=True)
    received_on = graphene.Date(required=True)
    due_on = graphene.Date(required=True)
    client = graphene.Field(ClientType, required=True)
