"""Collection through Stripe: what is sent (JPY, zero-decimal: 500 means 500 yen), with
idempotency keys on every POST, Stripe's total equal to ours, and the webhook that marks
our invoice and its orders paid once, whatever the order or number of deliveries.

No test reaches the network: Stripe is kado_platform.billing.testing.FakeStripe."""

from __future__ import annotations

import datetime
import re
import time

import pytest
from django.db import connection

from kado_platform.audit.models import AuditEntry
from kado_platform.billing.choices import EventOutcome
from kado_platform.billing.gateway import use_http_client
from kado_platform.billing.models import StripeEvent
from kado_platform.billing.testing import FakeStripe, event_payload, signed
from kado_platform.core.errors import DomainError
from kado_tenants.invoicing.choices import InvoiceStatus, TaxRate
from kado_tenants.invoicing.collection import invoice_send_via_stripe
from kado_tenants.invoicing.models import Invoice, StripeCustomer, StripeInvoice
from kado_tenants.invoicing.services import (
    invoice_correct,
    invoice_create,
    invoice_issue,
    invoice_issuer_set,
    invoice_line_add,
)
from kado_tenants.orders.choices import ContractType
from kado_tenants.orders.models import Order
from kado_tenants.orders.services import order_transition

SECRET = "whsec_test_secret"
DELIVERED = datetime.date(2023, 6, 20)
ISSUED = datetime.date(2023, 6, 30)


@pytest.fixture
def fake(settings):
    settings.STRIPE_API_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    stripe_fake = FakeStripe()
    use_http_client(stripe_fake)
    yield stripe_fake
    use_http_client(None)


@pytest.fixture
def invoice(make, admin):
    """Issued: three orders of 105 yen at 10% and 1,000 yen at 8% → 315 + 31 + 1000 + 80."""
    invoice_issuer_set(
        name="一般財団法人アルファ市振興公社",
        registration_number="T7000012050002",
        address="長野県アルファ市大門1-1",
        bank_name="アルファ銀行",
        bank_branch="本店",
        bank_account_number="1234567",
        bank_account_holder="ザイ)アルファ",
    )
    client = make.client(name="株式会社ストライプ商事")
    orders = []
    for _ in range(3):
        order = make.started_order(
            client=client,
            contract_type=ContractType.PER_DELIVERABLE,
            unit_price=105,
            estimated_minutes=60,
        )
        orders.append(order_transition(order=order, to_status="delivered", on_date=DELIVERED))
    draft = invoice_create(client=client, orders=orders, acting_user=admin)
    invoice_line_add(
        invoice=draft, description="茶菓", transaction_date=DELIVERED, amount=1000, tax_rate=8
    )
    issued = invoice_issue(invoice=draft, issued_on=ISSUED, acting_user=admin)
    assert issued.total == 1426
    return issued


def _counts():
    return {
        "links": StripeInvoice.objects.count(),
        "customers": StripeCustomer.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- sending --------------------------------------------------------------------------


def test_sending_makes_a_jpy_stripe_invoice_whose_total_is_ours(fake, invoice, admin):
    link = invoice_send_via_stripe(invoice=invoice, acting_user=admin)
    (customer,) = fake.posts("^/v1/customers$")
    assert customer.form["name"] == "株式会社ストライプ商事"
    (created,) = fake.posts("^/v1/invoices$")
    form = created.form
    assert form["currency"] == "jpy"
    assert form["collection_method"] == "send_invoice"
    assert int(form["days_until_due"]) >= 1
    assert form["pending_invoice_items_behavior"] == "exclude"
    assert form["payment_settings[payment_method_types][0]"] == "customer_balance"
    assert form["payment_settings[payment_method_types][1]"] == "card"
    options = "payment_settings[payment_method_options][customer_balance]"
    assert form[f"{options}[funding_type]"] == "bank_transfer"
    assert form[f"{options}[bank_transfer][type]"] == "jp_bank_transfer"
    assert form["metadata[kado_region]"] == "alpha"
    assert form["metadata[kado_invoice_number]"] == invoice.number
    assert form["metadata[kado_invoice_version]"] == "1"

    items = fake.posts("^/v1/invoiceitems$")
    amounts = [int(item.form["amount"]) for item in items]
    # JPY is zero-decimal: the integers are yen, not sen.
    assert amounts == [105, 105, 105, 1000, 31, 80]
    assert sum(amounts) == invoice.total == 1426
    assert {item.form["currency"] for item in items} == {"jpy"}
    tax_items = [item.form["description"] for item in items[-2:]]
    assert "消費税 10%" in tax_items[0] and "消費税 8%" in tax_items[1]
    assert fake.objects[link.stripe_invoice_id]["total"] == invoice.total
    assert [s.path.rsplit("/", 1)[-1] for s in fake.posts("/v1/invoices/in_")] == [
        "finalize",
        "send",
    ]

    # Every POST carries an idempotency key made from the business operation, all distinct.
    keys = [sent.idempotency_key for sent in fake.posts()]
    assert all(keys) and len(set(keys)) == len(keys)
    base = f"invoice-send:alpha:{invoice.number}:1"
    assert keys[0] == f"customer-create:alpha:client:{invoice.client_id}"
    assert keys[1] == base
    assert keys[2:] == [
        f"{base}:line:1",
        f"{base}:line:2",
        f"{base}:line:3",
        f"{base}:line:4",
        f"{base}:tax:10",
        f"{base}:tax:8",
        f"{base}:finalize",
        f"{base}:send",
    ]
    assert (link.status, link.amount_due) == ("open", 1426)
    assert link.hosted_invoice_url.startswith("https://")

    # Once only.
    before = (len(fake.sent), _counts())
    with pytest.raises(DomainError) as info:
        invoice_send_via_stripe(invoice=invoice)
    assert info.value.code == "already_sent"
    assert (len(fake.sent), _counts()) == before


def test_without_an_api_key_stripe_refuses_clearly(fake, settings, invoice):
    settings.STRIPE_API_KEY = ""
    before = _counts()
    with pytest.raises(DomainError) as info:
        invoice_send_via_stripe(invoice=invoice)
    assert info.value.code == "stripe_not_configured"
    assert "STRIPE_API_KEY" in info.value.message
    assert fake.sent == [] and _counts() == before


def test_a_refusal_by_stripe_writes_nothing_and_the_retry_reuses_the_keys(fake, invoice):
    fake.fail_on = r"/send$"
    before = _counts()
    with pytest.raises(DomainError) as info:
        invoice_send_via_stripe(invoice=invoice)
    assert info.value.code == "stripe_error"
    assert _counts() == before
    first_keys = [sent.idempotency_key for sent in fake.posts()]
    link = invoice_send_via_stripe(invoice=invoice)
    retry_keys = [sent.idempotency_key for sent in fake.posts()][len(first_keys) :]
    assert retry_keys == first_keys  # the same operation, the same keys
    # Stripe replayed its first answers: one customer, one invoice, six items.
    assert sum(obj["object"] == "customer" for obj in fake.objects.values()) == 1
    assert sum(obj["object"] == "invoice" for obj in fake.objects.values()) == 1
    assert fake.objects[link.stripe_invoice_id]["total"] == invoice.total


def test_a_stripe_total_that_differs_from_ours_is_voided_and_refused(fake, invoice):
    fake.total_offset = 1
    before = _counts()
    with pytest.raises(DomainError) as info:
        invoice_send_via_stripe(invoice=invoice)
    assert info.value.code == "stripe_total_mismatch"
    assert _counts() == before
    assert fake.posts("/void$") and not fake.posts("/send$")


def test_credit_notes_and_drafts_are_not_sent(fake, invoice, make):
    from kado_tenants.invoicing.services import invoice_credit_note

    credit = invoice_credit_note(invoice=invoice, reason="解約", issued_on=ISSUED)
    for target in (credit, Invoice.objects.get(pk=invoice.pk)):
        with pytest.raises(DomainError) as info:
            invoice_send_via_stripe(invoice=target)
        assert info.value.code == "invoice_not_sendable"
    assert fake.sent == []


def test_correcting_a_sent_invoice_voids_its_stripe_invoice(fake, invoice):
    link = invoice_send_via_stripe(invoice=invoice)
    corrected = invoice_correct(invoice=invoice, reason="宛名の誤り", issued_on=ISSUED)
    (void,) = fake.posts("/void$")
    assert void.path == f"/v1/invoices/{link.stripe_invoice_id}/void"
    assert void.idempotency_key == f"invoice-void:alpha:{invoice.number}:1"
    link.refresh_from_db()
    assert link.status == "void"
    second = invoice_send_via_stripe(invoice=corrected)
    assert fake.posts("^/v1/invoices$")[-1].idempotency_key == (
        f"invoice-send:alpha:{invoice.number}:2"
    )
    assert second.stripe_invoice_id != link.stripe_invoice_id


# --- the webhook ----------------------------------------------------------------------


@pytest.fixture
def sent(fake, invoice, in_region, fed):
    """(invoice pk, the Stripe invoice object as the fake holds it)."""
    link = invoice_send_via_stripe(invoice=invoice)
    return invoice.pk, fake.objects[link.stripe_invoice_id]


@pytest.fixture
def post(web, fed):
    hub = web(fed.hub)

    def _post(payload: str, *, signature: str | None = "sign", timestamp=None):
        headers = {}
        if signature == "sign":
            headers["HTTP_STRIPE_SIGNATURE"] = signed(payload, SECRET, timestamp=timestamp)
        elif signature is not None:
            headers["HTTP_STRIPE_SIGNATURE"] = signature
        response = hub.post(
            "/stripe/webhook", data=payload, content_type="application/json", **headers
        )
        connection.set_schema_to_public()
        return response

    return _post


def _paid(obj, *, paid_at=None):
    return {
        **obj,
        "status": "paid",
        "amount_paid": obj["total"],
        "amount_remaining": 0,
        "status_transitions": {"paid_at": paid_at or int(time.time())},
    }


def _state(in_region, fed, pk):
    with in_region(fed.alpha):
        invoice = Invoice.objects.get(pk=pk)
        orders = set(
            Order.objects.filter(invoice_lines__invoice=invoice).values_list("status", flat=True)
        )
        return invoice.status, orders, StripeInvoice.objects.get(invoice=invoice).status


def test_paid_marks_the_invoice_and_its_orders_paid_once(post, sent, in_region, fed):
    pk, obj = sent
    paid_at = int(datetime.datetime(2023, 7, 10, 1, 0, tzinfo=datetime.UTC).timestamp())
    payload = event_payload(
        event_id="evt_paid_1", type="invoice.paid", obj=_paid(obj, paid_at=paid_at)
    )
    response = post(payload)
    assert response.status_code == 200, response.content
    assert response.json() == {"received": True, "duplicate": False, "outcome": "applied"}
    assert _state(in_region, fed, pk) == ("paid", {"paid"}, "paid")
    with in_region(fed.alpha):
        invoice = Invoice.objects.get(pk=pk)
        assert invoice.paid_on == datetime.date(2023, 7, 10)  # JST
        assert set(
            Order.objects.filter(invoice_lines__invoice=invoice).values_list("paid_on", flat=True)
        ) == {datetime.date(2023, 7, 10)}
    # A replay: answered, nothing applied twice.
    audit = AuditEntry.objects.count()
    again = post(payload)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert AuditEntry.objects.count() == audit
    assert StripeEvent.objects.filter(event_id="evt_paid_1").count() == 1
    # The same fact under another event id (invoice.payment_succeeded) changes nothing.
    other = post(
        event_payload(event_id="evt_paid_2", type="invoice.payment_succeeded", obj=_paid(obj))
    )
    assert other.json()["outcome"] == EventOutcome.STALE
    assert AuditEntry.objects.count() == audit


def test_out_of_order_delivery_still_ends_paid(post, sent, in_region, fed):
    pk, obj = sent
    now = int(time.time())
    finalized = event_payload(
        event_id="evt_fin",
        type="invoice.finalized",
        obj={**obj, "status": "open"},
        created=now - 60,
    )
    paid = event_payload(event_id="evt_paid", type="invoice.paid", obj=_paid(obj), created=now)
    assert post(paid).json()["outcome"] == "applied"
    assert post(finalized).json()["outcome"] == "stale"  # older and lower: never backwards
    assert _state(in_region, fed, pk) == ("paid", {"paid"}, "paid")
    voided = event_payload(
        event_id="evt_void", type="invoice.voided", obj={**obj, "status": "void"}
    )
    assert post(voided).json()["outcome"] == "stale"  # paid is final
    assert _state(in_region, fed, pk) == ("paid", {"paid"}, "paid")


@pytest.mark.parametrize(
    "signature",
    [
        "stale",  # signed, but older than the 300 s tolerance
        "t=1,v1=deadbeef",  # bad signature
        None,  # no header
        "garbage",
    ],
)
def test_bad_or_stale_signatures_are_400_and_change_nothing(post, sent, in_region, fed, signature):
    pk, obj = sent
    payload = event_payload(event_id="evt_bad", type="invoice.paid", obj=_paid(obj))
    if signature == "stale":
        signature = signed(payload, SECRET, timestamp=int(time.time()) - 301)
    response = post(payload, signature=signature)
    assert response.status_code == 400
    assert not StripeEvent.objects.filter(event_id="evt_bad").exists()
    assert _state(in_region, fed, pk) == ("issued", {"invoiced"}, "open")


def test_a_body_changed_after_signing_is_refused(post, sent, in_region, fed):
    pk, obj = sent
    payload = event_payload(event_id="evt_tampered", type="invoice.paid", obj=_paid(obj))
    header = signed(payload, SECRET)
    response = post(payload.replace('"amount_paid": 1426', '"amount_paid": 1'), signature=header)
    assert response.status_code == 400
    assert _state(in_region, fed, pk) == ("issued", {"invoiced"}, "open")


def test_only_post_and_only_on_the_hub(web, fed, fake):
    assert web(fed.hub).get("/stripe/webhook").status_code == 405
    region = web(fed.alpha).post("/stripe/webhook", data="{}", content_type="application/json")
    assert region.status_code == 404
    connection.set_schema_to_public()


def test_an_amount_that_does_not_add_up_pays_nothing(post, sent, in_region, fed):
    pk, obj = sent
    short = {**_paid(obj), "amount_paid": obj["total"] - 1}
    response = post(event_payload(event_id="evt_short", type="invoice.paid", obj=short))
    assert response.json()["outcome"] == EventOutcome.AMOUNT_MISMATCH
    invoice_status, orders, _stripe = _state(in_region, fed, pk)
    assert (invoice_status, orders) == ("issued", {"invoiced"})


def test_events_without_a_known_region_are_recorded_and_go_nowhere(post, sent, in_region, fed):
    pk, obj = sent
    for index, metadata in enumerate(
        [
            {},
            {**obj["metadata"], "kado_region": "nowhere"},
            {**obj["metadata"], "kado_region": "beta"},
        ]
    ):
        response = post(
            event_payload(
                event_id=f"evt_lost_{index}",
                type="invoice.paid",
                obj={**_paid(obj), "metadata": metadata},
            )
        )
        assert response.status_code == 200
        assert response.json()["outcome"] == EventOutcome.UNROUTABLE
    assert _state(in_region, fed, pk) == ("issued", {"invoiced"}, "open")
    unknown = post(event_payload(event_id="evt_other", type="charge.refunded", obj={"id": "ch_1"}))
    assert unknown.json()["outcome"] == EventOutcome.IGNORED


def test_without_a_webhook_secret_the_endpoint_refuses(post, settings, fake):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = event_payload(event_id="evt_nosecret", type="invoice.paid", obj={"id": "in_x"})
    assert post(payload).status_code == 503
    assert not StripeEvent.objects.filter(event_id="evt_nosecret").exists()


def test_paid_on_a_corrected_and_voided_version_changes_nothing(post, sent, in_region, fed):
    pk, obj = sent
    with in_region(fed.alpha):
        invoice_correct(invoice=Invoice.objects.get(pk=pk), reason="訂正", issued_on=ISSUED)
    # Stripe had the old version voided, but a transfer raced the void.
    response = post(event_payload(event_id="evt_race", type="invoice.paid", obj=_paid(obj)))
    assert response.json()["outcome"] == "stale"  # void is final
    with in_region(fed.alpha):
        assert Invoice.objects.get(pk=pk).status == InvoiceStatus.SUPERSEDED


def test_tax_rate_values_are_the_ones_sent(fake, invoice):
    invoice_send_via_stripe(invoice=invoice)
    rates = [
        item.form.get("metadata[kado_tax_rate]")
        for item in fake.posts("^/v1/invoiceitems$")
        if "metadata[kado_tax_rate]" in item.form
    ]
    assert rates == [str(TaxRate.STANDARD.value), str(TaxRate.REDUCED.value)]
    assert all(
        re.fullmatch(r"invoice-send:alpha:\d{4}-\d{5}:1(:.+)?", s.idempotency_key)
        for s in fake.posts("/invoice")
    )
