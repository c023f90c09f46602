"""SQS as the broker, for real: kombu's SQS transport (boto3 and pycurl) against moto's
SQS in server mode on loopback, a Celery worker in its own process with the project's
settings, and tasks that must run in the region they were sent for.

The queue is made the way infra/terraform/sqs.tf makes it (a dead-letter queue, a
visibility timeout longer than any task) and given to the worker by URL, as in AWS.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection

from kado_platform.tasks.base import RETRY

REPO_ROOT = Path(__file__).resolve().parents[2]
SETTINGS = REPO_ROOT / "platform" / "kado_platform" / "settings.py"
ACCESS_KEY = "AKIAKADOSQSTESTING00"
SECRET_KEY = "kado-sqs-test-secret-key"
AWS_REGION = "ap-northeast-1"
PREFIX = "kado-test-"


def _settings_with(monkeypatch, **env):
    """The project's settings module evaluated afresh under `env` (the running one stays)."""
    for name in ("REDIS_URL", "KADO_CELERY_BROKER_URL", "CELERY_BROKER_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(f"kado_settings_{uuid.uuid4().hex}", SETTINGS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sqs(start_moto):
    """moto's SQS on loopback, with the jobs queue and its dead-letter queue."""
    with start_moto(access_key=ACCESS_KEY, secret_key=SECRET_KEY) as moto:
        client = moto.client("sqs", AWS_REGION)
        dead = client.create_queue(QueueName=f"{PREFIX}celery-dlq")["QueueUrl"]
        dead_arn = client.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])
        url = client.create_queue(
            QueueName=f"{PREFIX}celery",
            Attributes={
                "VisibilityTimeout": "3600",
                "RedrivePolicy": json.dumps(
                    {
                        "deadLetterTargetArn": dead_arn["Attributes"]["QueueArn"],
                        "maxReceiveCount": 5,
                    }
                ),
            },
        )["QueueUrl"]
        yield {
            "broker": f"sqs://{ACCESS_KEY}:{quote(SECRET_KEY, safe='')}@127.0.0.1:{moto.port}",
            "queue_url": url,
            "client": client,
        }


def test_an_sqs_broker_url_gives_the_settings_sqs_needs(monkeypatch):
    aws = _settings_with(
        monkeypatch,
        CELERY_BROKER_URL="sqs://",
        KADO_ENVIRONMENT="production",
        KADO_SQS_QUEUE_URL="https://sqs.ap-northeast-1.amazonaws.com/123456789012/kado-production-celery",
    )
    options = aws.CELERY_BROKER_TRANSPORT_OPTIONS
    assert aws.CELERY_BROKER_URL == "sqs://" and aws.CELERY_TASK_ALWAYS_EAGER is False
    assert options["region"] == "ap-northeast-1"
    assert options["queue_name_prefix"] == "kado-production-"
    assert options["is_secure"] is True and options["wait_time_seconds"] == 20
    # kombu finds a predefined queue by its prefixed name.
    assert options["predefined_queues"] == {
        "kado-production-kado": {
            "url": "https://sqs.ap-northeast-1.amazonaws.com/123456789012/kado-production-celery"
        }
    }
    # acks_late: a message is not handed to a second worker while the first still holds
    # it, even when it waits out the longest retry delay first.
    assert aws.CELERY_TASK_ACKS_LATE is True
    assert options["visibility_timeout"] > RETRY["retry_backoff_max"] * 2
    # The queue Terraform makes has the same visibility timeout.
    sqs_tf = (REPO_ROOT / "infra" / "terraform" / "sqs.tf").read_text()
    assert f"visibility_timeout_seconds        = {options['visibility_timeout']}" in sqs_tf
    # Without a broker: eager, as before.
    local = _settings_with(monkeypatch)
    assert local.CELERY_TASK_ALWAYS_EAGER is True and local.CELERY_BROKER_URL == "memory://"


def test_the_webhook_sends_the_apply_task_with_the_events_region(web, fed, settings):
    """What goes on the queue: the task's name, the event id, and alpha's schema header
    (a broker that keeps its messages, so nothing runs here)."""
    from kado_platform.billing.models import StripeEvent
    from kado_platform.billing.testing import event_payload, signed
    from kado_platform.celery_app import app

    settings.STRIPE_WEBHOOK_SECRET = "whsec_queue_test"
    payload = event_payload(
        event_id="evt_queued",
        type="invoice.paid",
        obj={"id": "in_q", "metadata": {"kado_region": "alpha", "kado_invoice_version": "1"}},
    )
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, "memory://"
    app._pool, app.amqp._producer_pool = None, None
    try:
        response = web(fed.hub).post(
            "/stripe/webhook",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=signed(payload, "whsec_queue_test"),
        )
        with app.connection_for_read() as conn, conn.SimpleQueue("kado") as queue:
            message = queue.get(timeout=5)
            message.ack()
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool, app.amqp._producer_pool = None, None
    connection.set_schema_to_public()
    assert response.status_code == 200
    assert response.json() == {"received": True, "duplicate": False, "outcome": "pending"}
    assert message.headers["task"] == "kado.stripe_event_apply"
    assert message.headers["_schema_name"] == "alpha"
    assert message.payload[0] == ["evt_queued"]
    assert StripeEvent.objects.get(event_id="evt_queued").processed_at is None


def _status_audits(subscription_pk) -> int:
    from kado_platform.audit.models import AuditEntry

    return AuditEntry.objects.filter(
        action="region_subscription.status", object_id=str(subscription_pk)
    ).count()


def _waiting_on_audit(killer, holder_pid):
    with killer.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s AND pid <> %s",
            ["%audit_auditentry%", holder_pid],
        )
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.slow
def test_a_real_worker_on_sqs_runs_each_task_in_its_region_and_applies_stripe_once(
    sqs, monkeypatch, tmp_path, test_database_url, subprocess_env, django_db_blocker
):
    from django_tenants.utils import schema_context
    from tenant_schemas_celery.app import CeleryApp

    from kado_platform.billing.models import RegionSubscription, StripeEvent
    from kado_platform.billing.services import stripe_event_record
    from kado_platform.billing.testing import event_payload
    from kado_platform.regions.models import Region
    from kado_tenants.clients.models import Client

    marker = f"sqs-probe-{uuid.uuid4().hex[:8]}"
    subscription_id = f"sub_{marker}"
    event_id = f"evt_{marker}"
    created = int(time.time())
    results = tmp_path / "results"
    results.mkdir()
    env_for_sqs = {
        "KADO_CELERY_BROKER_URL": sqs["broker"],
        "KADO_CELERY_RESULT_BACKEND": f"file://{results}",
        "KADO_SQS_QUEUE_URL": sqs["queue_url"],
        "KADO_SQS_QUEUE_PREFIX": PREFIX,
        "KADO_SQS_IS_SECURE": "0",
        "KADO_SQS_WAIT_SECONDS": "1",
        "AWS_REGION": AWS_REGION,
    }
    with django_db_blocker.unblock():
        # alpha is made to hold more clients than beta: a task that saw the other
        # region's rows would report the other count.
        counts = {}
        for code in ("beta", "alpha"):
            with schema_context(code):
                if code == "alpha":
                    for n in range(max(counts["beta"] - Client.objects.count(), 0) + 2):
                        Client.objects.create(name=f"{marker}-{n}", kind="local_company")
                counts[code] = Client.objects.count()
        connection.set_schema_to_public()
        alpha = Region.objects.get(code="alpha")
        assert not RegionSubscription.objects.filter(region=alpha).exists()
        subscription = RegionSubscription.objects.create(
            region=alpha,
            stripe_customer_id=f"cus_{marker}",
            stripe_subscription_id=subscription_id,
            price_id="price_platform_fee_monthly",
            status="active",
            last_event_created=created - 60,
        )
        obj = {"id": subscription_id, "object": "subscription", "status": "past_due"}
        record, new = stripe_event_record(
            event=json.loads(
                event_payload(
                    event_id=event_id,
                    type="customer.subscription.updated",
                    obj=obj,
                    created=created,
                )
            )
        )
        assert new and record.processed_at is None and record.region_code == "alpha"

    sender_settings = _settings_with(monkeypatch, **env_for_sqs)
    sender = CeleryApp("kado-test-sender")
    sender.conf.update(
        broker_url=sender_settings.CELERY_BROKER_URL,
        broker_transport_options=sender_settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        result_backend=sender_settings.CELERY_RESULT_BACKEND,
        task_default_queue=sender_settings.CELERY_TASK_DEFAULT_QUEUE,
        task_serializer="json",
        accept_content=["json"],
    )
    env = subprocess_env(
        **env_for_sqs, without=("REDIS_URL", "CELERY_BROKER_URL", "KADO_TEST_DATABASE")
    )
    log_path = REPO_ROOT / ".data" / f"celery-sqs-worker-{marker}.log"
    log_path.parent.mkdir(exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "kado_platform.celery_app", "worker",
         "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel=INFO"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
    )  # fmt: skip
    holder = psycopg.connect(test_database_url)
    killer = psycopg.connect(test_database_url, autocommit=True)
    deadline = time.monotonic() + 120

    def remaining() -> float:
        return max(1.0, deadline - time.monotonic())

    try:
        # 1. Each task in the region it was sent for; none at all without one.
        stats = {
            code: sender.send_task("kado.region_stats", headers={"_schema_name": code})
            for code in ("alpha", "beta")
        }
        without = sender.send_task("kado.region_stats", headers={"_schema_name": "public"})
        seen = {code: result.get(timeout=remaining()) for code, result in stats.items()}
        assert seen["alpha"]["region"] == "alpha" and seen["beta"]["region"] == "beta"
        assert seen["alpha"]["clients"] == counts["alpha"] != counts["beta"]
        assert seen["beta"]["clients"] == counts["beta"]
        without.get(timeout=remaining(), propagate=False)
        assert without.state == "FAILURE" and "does not exist" in str(without.result)

        # 2. The Stripe follow-up, killed half-way: the worker has updated the
        # subscription and waits to write the audit entry (the table is held here) when
        # its database connection is ended. Nothing of that transaction may remain; the
        # task retries with backoff and applies the event once.
        with holder.cursor() as cursor:
            cursor.execute("LOCK TABLE public.audit_auditentry IN EXCLUSIVE MODE")
        applied = sender.send_task(
            "kado.stripe_event_apply", args=[event_id], headers={"_schema_name": "alpha"}
        )
        waiting = None
        while waiting is None and time.monotonic() < deadline:
            waiting = _waiting_on_audit(killer, holder.info.backend_pid)
            if waiting is None:
                time.sleep(0.1)
        assert waiting is not None, "the task never reached the audit entry"
        with killer.cursor() as cursor:
            cursor.execute(
                "SELECT status FROM public.billing_regionsubscription "
                "WHERE stripe_subscription_id = %s",
                [subscription_id],
            )
            assert cursor.fetchone() == ("active",)  # not committed
            cursor.execute("SELECT pg_terminate_backend(%s)", [waiting])
        holder.rollback()
        outcome = applied.get(timeout=remaining())
        assert outcome["region"] == "alpha" and outcome["outcome"] == "applied"
        assert "Retry in" in log_path.read_text()

        with django_db_blocker.unblock():
            subscription.refresh_from_db()
            record.refresh_from_db()
            assert subscription.status == "past_due"
            assert subscription.last_event_created == created
            assert record.processed_at is not None and record.outcome == "applied"
            assert _status_audits(subscription.pk) == 1
            first = record.processed_at

            # 3. The same event's task once more (a redelivery): nothing happens twice.
            again = sender.send_task(
                "kado.stripe_event_apply", args=[event_id], headers={"_schema_name": "alpha"}
            ).get(timeout=remaining())
            assert again["outcome"] == "applied" and again["processed_at"] == first.isoformat()
            record.refresh_from_db()
            assert record.processed_at == first and _status_audits(subscription.pk) == 1
    except Exception:
        print(log_path.read_text())
        raise
    finally:
        holder.close()
        killer.close()
        worker.terminate()
        worker.wait(30)
        log.close()
        with django_db_blocker.unblock():
            connection.set_schema_to_public()
            StripeEvent.objects.filter(event_id=event_id).delete()
            RegionSubscription.objects.filter(stripe_subscription_id=subscription_id).delete()
            with schema_context("alpha"):
                Client.objects.filter(name__startswith=marker).delete()
            connection.set_schema_to_public()
    # Nothing left in the queue (every message was acknowledged), nothing dead-lettered.
    attributes = sqs["client"].get_queue_attributes(
        QueueUrl=sqs["queue_url"],
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }
