"""An issued invoice goes to its client by e-mail as a PDF, once, and only after commit."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from kado_platform.audit.models import AuditEntry
from kado_platform.core.errors import DomainError
from kado_platform.tasks.invoicing import invoice_email
from kado_tenants.invoicing.services import (
    invoice_create,
    invoice_email_send,
    invoice_issue,
    invoice_issuer_set,
)
from kado_tenants.orders.services import order_transition

DELIVERED = datetime.date(2023, 6, 20)


@pytest.fixture
def draft(make, admin):
    invoice_issuer_set(
        name="一般財団法人アルファ市振興公社",
        registration_number="T7000012050002",
        address="長野県アルファ市大門1-1",
        bank_name="アルファ銀行",
        bank_branch="本店",
        bank_account_number="1234567",
        bank_account_holder="ザイ)アルファシシンコウコウシャ",
    )
    client = make.client(name="株式会社メール商事", email="keiri@mail-shoji.example")
    order = order_transition(
        order=make.started_order(client=client), to_status="delivered", on_date=DELIVERED
    )
    return invoice_create(client=client, orders=[order], acting_user=admin)


def test_the_task_mails_the_pdf_once_after_commit(draft, admin, django_capture_on_commit_callbacks):
    issued = invoice_issue(invoice=draft, issued_on=datetime.date(2023, 6, 30), acting_user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        first = invoice_email(issued.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = invoice_email(issued.pk)
    assert first["sent"] and again["sent"] and first["at"] == again["at"]
    assert len(mail.outbox) == 1
    [message] = mail.outbox
    assert message.to == ["keiri@mail-shoji.example"]
    assert issued.number in message.subject
    [(filename, content, mimetype)] = message.attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf"
    assert content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="invoice.email", object_id=str(issued.pk)).count() == 1


def test_nothing_is_mailed_when_the_transaction_rolls_back(
    draft, admin, django_capture_on_commit_callbacks
):
    issued = invoice_issue(invoice=draft, issued_on=datetime.date(2023, 6, 30), acting_user=admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invoice_email_send(invoice=issued, acting_user=admin)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_a_draft_or_a_client_without_email_is_refused(draft, admin, make):
    with pytest.raises(DomainError) as refused:
        invoice_email_send(invoice=draft, acting_user=admin)
    assert (refused.value.code, refused.value.field) == ("invoice_not_issued", "invoice")
    client = make.client(name="株式会社アドレス無し")
    order = order_transition(
        order=make.started_order(client=client), to_status="delivered", on_date=DELIVERED
    )
    other = invoice_issue(
        invoice=invoice_create(client=client, orders=[order], acting_user=admin),
        issued_on=datetime.date(2023, 6, 30),
        acting_user=admin,
    )
    with pytest.raises(DomainError) as no_address:
        invoice_email_send(invoice=other, acting_user=admin)
    assert (no_address.value.code, no_address.value.field) == ("client_email_missing", "email")
    assert mail.outbox == []
