"""Invoice delivery, run inside the invoice's region (sent with `celery_app.in_region`)."""

from __future__ import annotations

from kado_platform.tasks.base import kado_task


@kado_task("kado.invoice_email")
def invoice_email(invoice_id: int) -> dict:
    """Render the invoice's PDF and e-mail it to the client; a retry sends nothing twice."""
    from kado_tenants.invoicing.selectors import invoice_get
    from kado_tenants.invoicing.services import invoice_email_send

    invoice = invoice_get(pk=invoice_id)
    if invoice is None:
        return {"invoice": invoice_id, "sent": False, "reason": "not_found"}
    sent = invoice_email_send(invoice=invoice)
    return {"invoice": invoice_id, "sent": True, "at": sent.sent_at.isoformat()}
