"""A Stripe stand-in for tests and offline development: an HTTP client for stripe-python
that records every request and answers like Stripe's API would, without the network.

    fake = FakeStripe()
    use_http_client(fake)          # kado_platform.billing.gateway
    ... code that calls Stripe ...
    fake.posts("/v1/invoiceitems")  # what was sent, form-decoded

It keeps the objects it made (customers, invoices with their items and totals,
subscriptions), replays the first answer for a repeated Idempotency-Key as Stripe does,
and can be told to refuse one path (`fail_on`), to be down (`down`: 503 for everything)
or to misreport a total (`total_offset`).
Also: `signed(payload, secret)` makes a Stripe-Signature header with stripe-python's own
signing code.
"""

from __future__ import annotations

import itertools
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field

import stripe


@dataclass
class Sent:
    method: str
    path: str
    headers: dict
    form: dict = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str | None:
        for name, value in self.headers.items():
            if name.lower() == "idempotency-key":
                return value
        return None


def signed(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`: t=<time>,v1=HMAC-SHA256("t.payload")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = stripe.WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},{stripe.WebhookSignature.EXPECTED_SCHEME}={signature}"


def event_payload(*, event_id: str, type: str, obj: dict, created: int | None = None) -> str:  # noqa: A002
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": type,
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "data": {"object": obj},
        },
        ensure_ascii=False,
    )


class FakeStripe(stripe.HTTPClient):
    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.sent: list[Sent] = []
        self.objects: dict[str, dict] = {}
        self.fail_on: str | None = None  # a path regex refused once (400)
        self.down = False  # every request answered 503, as in an outage of Stripe's
        self.total_offset = 0
        self._replies: dict[str, tuple[str, int]] = {}
        self._ids = itertools.count(1)

    # stripe.HTTPClient ---------------------------------------------------------------

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = urllib.parse.urlsplit(url).path
        form = dict(urllib.parse.parse_qsl(post_data or "", keep_blank_values=True))
        sent = Sent(method.upper(), path, dict(headers or {}), form)
        self.sent.append(sent)
        key = sent.idempotency_key
        if self.down:
            error = {"type": "api_error", "message": "Service unavailable (fake)."}
            return json.dumps({"error": error}), 503, {"request-id": f"req_{len(self.sent)}"}
        if key is not None and key in self._replies:
            body, status = self._replies[key]
        else:
            body, status = self._answer(sent)
            if key is not None and status == 200:
                # Stripe keeps the result of a request that ran; a refused one is not kept.
                self._replies[key] = (body, status)
        return body, status, {"request-id": f"req_{len(self.sent)}"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError

    def close(self):
        pass

    # what a test reads ---------------------------------------------------------------

    def posts(self, pattern: str = "") -> list[Sent]:
        return [s for s in self.sent if s.method == "POST" and re.search(pattern, s.path)]

    # the API -------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids)}"

    def _answer(self, sent: Sent) -> tuple[str, int]:
        if self.fail_on and re.search(self.fail_on, sent.path):
            self.fail_on = None
            error = {"type": "invalid_request_error", "message": "Refused by the fake."}
            return json.dumps({"error": error}), 400
        form, path = sent.form, sent.path
        if path == "/v1/customers":
            obj = {"id": self._new_id("cus"), "object": "customer", "name": form.get("name")}
        elif path == "/v1/invoices":
            obj = {
                "id": self._new_id("in"),
                "object": "invoice",
                "status": "draft",
                "currency": form.get("currency"),
                "customer": form.get("customer"),
                "total": 0,
                "amount_due": 0,
                "amount_paid": 0,
                "metadata": _nested(form, "metadata"),
                "hosted_invoice_url": None,
            }
        elif path == "/v1/invoiceitems":
            invoice = self.objects[form["invoice"]]
            invoice["total"] += int(form["amount"])
            obj = {
                "id": self._new_id("ii"),
                "object": "invoiceitem",
                "amount": int(form["amount"]),
                "currency": form.get("currency"),
                "invoice": invoice["id"],
            }
        elif match := re.fullmatch(r"/v1/invoices/([^/]+)/(finalize|send|void)", path):
            obj = self.objects[match.group(1)]
            action = match.group(2)
            if action == "finalize":
                obj["total"] += self.total_offset
                obj["status"] = "open"
                obj["amount_due"] = obj["total"]
                obj["hosted_invoice_url"] = f"https://invoice.stripe.test/{obj['id']}"
            elif action == "void":
                obj["status"] = "void"
        elif path == "/v1/subscriptions":
            obj = {
                "id": self._new_id("sub"),
                "object": "subscription",
                "customer": form.get("customer"),
                "status": "active",
                "created": int(time.time()),
                "metadata": _nested(form, "metadata"),
            }
        else:
            error = {"type": "invalid_request_error", "message": f"No fake for {path}"}
            return json.dumps({"error": error}), 404
        self.objects[obj["id"]] = obj
        return json.dumps(obj), 200


def _nested(form: dict, name: str) -> dict:
    prefix = f"{name}["
    return {
        key[len(prefix) : -1]: value
        for key, value in form.items()
        if key.startswith(prefix) and key.endswith("]") and "][" not in key
    }
