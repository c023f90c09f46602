import base64

import graphene

from kado_graphql.core.ids import decode_global_id
from kado_graphql.core.mutations import KadoMutation
from kado_graphql.core.scalars import Yen
from kado_platform.accounts.policy import Perm
from kado_tenants.payouts.services import zengin_export


class ZenginExport(KadoMutation):
    class Meta:
        permission = Perm.REGION_ADMIN
        description = (
            "A Zengin 総合振込 file (120-byte records, Shift_JIS) paying approved statements "
            "their net amount; each statement goes into one file only."
        )

    class Input:
        """The approved statements and the transfer date."""

        statement_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        transfer_date = graphene.Date(required=True)

    file_base64 = graphene.String(description="The file, base64-encoded.")
    filename = graphene.String()
    count = graphene.Int(description="Transfers in the file (the trailer's count).")
    total = Yen(description="Yen transferred (the trailer's total).")
    late_statement_ids = graphene.List(
        graphene.NonNull(graphene.ID), description="Statements paid after their 60-day deadline."
    )

    @classmethod
    def perform(cls, root, info, *, statement_ids, transfer_date):
        pks = [
            decode_global_id(info, value, "PayoutStatement", field="statement_ids")
            for value in statement_ids
        ]
        export = zengin_export(
            statements=pks, transfer_date=transfer_date, acting_user=info.context.user
        )
        late = set(export.late_statement_ids)
        return cls(
            file_base64=base64.b64encode(export.content).decode("ascii"),
            filename=export.filename,
            count=export.count,
            total=export.total,
            late_statement_ids=[
                value for value, pk in zip(statement_ids, pks, strict=True) if pk in late
            ],
        )
