"""The one way to Stripe's API: a StripeClient made from settings, and Stripe's errors
turned into domain errors.

Every POST carries an idempotency key derived from the business operation (see the
callers), so a retried operation cannot charge, create or send twice. Tests replace the
HTTP client (`use_http_client`) with one that records requests and answers canned JSON:
no test reaches the network.
"""

from __future__ import annotations

import contextlib
import logging

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kado_platform.core.errors import DomainError

logger = logging.getLogger(__name__)

_http_client: stripe.HTTPClient | None = None


def use_http_client(http_client: stripe.HTTPClient | None) -> None:
    """Send every Stripe request through `http_client` (None: Stripe's default)."""
    global _http_client
    _http_client = http_client


def _require(setting: str):
    value = getattr(settings, setting, "")
    if not value:
        raise DomainError(
            "stripe_not_configured",
            _("Stripe is not configured on this server (%(setting)s is not set)."),
            params={"setting": setting},
        )
    return value


def stripe_client() -> stripe.StripeClient:
    """A client for the v1 API; refuses clearly when STRIPE_API_KEY is not set."""
    return stripe.StripeClient(
        _require("STRIPE_API_KEY"), http_client=_http_client, max_network_retries=2
    )


def v1(client: stripe.StripeClient):
    """The v1 services (`client.v1` in current stripe-python, the client itself before)."""
    return getattr(client, "v1", client)


def platform_price_id() -> str:
    return _require("STRIPE_PLATFORM_PRICE_ID")


def webhook_secret() -> str:
    return _require("STRIPE_WEBHOOK_SECRET")


class StripeUnavailable(DomainError):
    """Stripe could not be reached, or failed on its side (5xx, rate limit): the same
    request can succeed later, so background tasks retry it (tasks.base.TRANSIENT)."""


def _unavailable(error: stripe.StripeError) -> bool:
    if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)):
        return True
    return isinstance(error, stripe.APIError) or (error.http_status or 0) >= 500


@contextlib.contextmanager
def stripe_errors():
    """Stripe's refusals as a DomainError `stripe_error`, its outages as StripeUnavailable
    (`stripe_unavailable`); logged, no card data. Idempotency keys make a retry safe."""
    try:
        yield
    except stripe.StripeError as error:
        if _unavailable(error):
            logger.warning(
                "Stripe unavailable",
                extra={"stripe_error": type(error).__name__, "http_status": error.http_status},
            )
            raise StripeUnavailable(
                "stripe_unavailable",
                _(
                    "Stripe cannot be reached right now; nothing was charged twice. Try again later."
                ),
            ) from error
        logger.warning(
            "Stripe refused a request",
            extra={"stripe_code": error.code, "http_status": error.http_status},
        )
        raise DomainError(
            "stripe_error",
            _("Stripe refused the request: %(reason)s"),
            params={"reason": error.user_message or error.code or type(error).__name__},
        ) from error
