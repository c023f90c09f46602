"""The promises of infra/terraform, read from the HCL itself (python-hcl2).

No terraform binary or provider is available to plan, so these tests parse every `.tf`
file and check the attributes that make the deployment safe: encryption, backups, no
public bucket, no connection pooler in front of a schema-per-region database, TLS with
the wildcard certificate, tasks without public IPs, secrets from Secrets Manager.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import hcl2
import pytest
from hcl2 import SerializationOptions

TERRAFORM = Path(__file__).resolve().parents[2] / "infra" / "terraform"
OPTIONS = SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def _load_all() -> dict[str, list[dict]]:
    """{"resource": [...], "data": [...], "variable": [...], ...} over every .tf file."""
    merged: dict[str, list[dict]] = {}
    for path in sorted(TERRAFORM.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            parsed = hcl2.load(handle, serialization_options=OPTIONS)
        for key, blocks in parsed.items():
            merged.setdefault(key, []).extend(blocks)
    return merged


HCL = _load_all()
RAW = "\n".join(path.read_text(encoding="utf-8") for path in sorted(TERRAFORM.glob("*.tf")))


def resources(kind: str) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for block in HCL.get("resource", []):
        for name, body in block.get(kind, {}).items():
            found[name] = body
    return found


def resource(kind: str, name: str) -> dict:
    found = resources(kind)
    assert name in found, f"{kind}.{name} is not defined; have {sorted(found)}"
    return found[name]


def variable_default(name: str):
    for block in HCL.get("variable", []):
        if name in block:
            return block[name].get("default")
    raise AssertionError(f"variable {name} is not defined")


def first(value):
    """A nested block parses as a list of one dict."""
    return value[0] if isinstance(value, list) else value


def test_every_file_parses_and_targets_tokyo():
    assert HCL["resource"], "no resources parsed"
    assert variable_default("aws_region") == "ap-northeast-1"
    assert "${var.aws_region}" in json.dumps(HCL["provider"])


# --- RDS ------------------------------------------------------------------------------


def test_rds_is_encrypted_multi_az_backed_up_and_protected():
    db = resource("aws_db_instance", "main")
    assert db["engine"] == "postgres"
    assert db["storage_encrypted"] is True
    assert "aws_kms_key.main" in db["kms_key_id"]
    assert db["multi_az"] is True
    assert db["deletion_protection"] is True
    assert db["publicly_accessible"] is False
    assert db["skip_final_snapshot"] is False
    retention = db["backup_retention_period"]
    if isinstance(retention, str) and retention.startswith("${var."):
        retention = variable_default(retention.removeprefix("${var.").removesuffix("}"))
    assert isinstance(retention, int)
    assert retention >= 7  # automated backups: point-in-time recovery within the window


def test_rds_replica_when_present_is_encrypted_and_private():
    replica = resource("aws_db_instance", "replica")
    assert replica["storage_encrypted"] is True
    assert replica["publicly_accessible"] is False


def test_database_only_in_subnets_without_a_route_out():
    group = resource("aws_db_subnet_group", "main")
    assert "aws_subnet.database" in group["subnet_ids"]
    routes = resources("aws_route")
    assert all("aws_route_table.database" not in body["route_table_id"] for body in routes.values())


def test_no_rds_proxy_and_no_transaction_pooler_anywhere():
    """django-tenants sets search_path per session: a transaction pooler mixes regions."""
    kinds = {kind for block in HCL["resource"] for kind in block}
    assert not {kind for kind in kinds if "db_proxy" in kind}
    assert "aws_db_proxy" not in RAW
    assert "pool_mode" not in RAW
    # The application connects straight to the instance's endpoint.
    version = resource("aws_secretsmanager_secret_version", "database")
    assert "@${aws_db_instance.main.address}:" in version["secret_string"]


def test_rds_forces_tls():
    group = resource("aws_db_parameter_group", "main")
    parameters = {p["name"]: p["value"] for p in group["parameter"]}
    assert parameters["rds.force_ssl"] == "1"


# --- S3 -------------------------------------------------------------------------------


@pytest.mark.parametrize("bucket", ["files", "logs"])
def test_buckets_block_every_kind_of_public_access(bucket):
    block = resource("aws_s3_bucket_public_access_block", bucket)
    assert block["bucket"] == f"${{aws_s3_bucket.{bucket}.id}}"
    for flag in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[flag] is True, flag


@pytest.mark.parametrize("bucket", ["files", "logs"])
def test_buckets_are_versioned(bucket):
    versioning = resource("aws_s3_bucket_versioning", bucket)
    assert first(versioning["versioning_configuration"])["status"] == "Enabled"


def test_files_bucket_is_encrypted_with_the_kms_key():
    sse = resource("aws_s3_bucket_server_side_encryption_configuration", "files")
    default = first(first(sse["rule"])["apply_server_side_encryption_by_default"])
    assert default["sse_algorithm"] == "aws:kms"
    assert "aws_kms_key.main" in default["kms_master_key_id"]


def test_every_bucket_has_a_public_access_block_and_encryption():
    buckets = set(resources("aws_s3_bucket"))
    assert buckets == set(resources("aws_s3_bucket_public_access_block"))
    assert buckets == set(resources("aws_s3_bucket_server_side_encryption_configuration"))
    assert not resources("aws_s3_bucket_acl"), "ACLs are disabled (BucketOwnerEnforced)"


def test_no_bucket_policy_grants_the_world():
    for name, body in resources("aws_s3_bucket_policy").items():
        policy = body["policy"]
        # The only statements with a "*" principal are denials of plain HTTP.
        for match in re.finditer(r"Principal\s*=\s*\"\*\"", policy):
            window = policy[max(0, match.start() - 120) : match.start()]
            assert "Deny" in window, f"{name}: a '*' principal that is not a Deny"


# --- Load balancer, TLS and DNS --------------------------------------------------------


def test_https_listener_uses_the_acm_wildcard_certificate():
    listener = resource("aws_lb_listener", "https")
    assert listener["port"] == 443
    assert listener["protocol"] == "HTTPS"
    assert listener["ssl_policy"].startswith("ELBSecurityPolicy-TLS13")
    assert "aws_acm_certificate" in listener["certificate_arn"]
    certificate = resource("aws_acm_certificate", "wildcard")
    assert certificate["domain_name"] == "*.${var.base_domain}"
    assert certificate["validation_method"] == "DNS"


def test_plain_http_only_redirects_to_https():
    listener = resource("aws_lb_listener", "http_redirect")
    action = first(listener["default_action"])
    assert action["type"] == "redirect"
    assert first(action["redirect"])["protocol"] == "HTTPS"
    for name, body in resources("aws_lb_listener").items():
        if body["protocol"] == "HTTP":
            assert first(body["default_action"])["type"] == "redirect", name


def test_wildcard_dns_record_points_at_the_load_balancer():
    record = resource("aws_route53_record", "regions_wildcard")
    assert record["name"] == "*.${var.base_domain}"
    assert record["type"] == "A"
    assert first(record["alias"])["name"] == "${aws_lb.main.dns_name}"


def test_load_balancer_drops_invalid_headers_and_is_protected():
    alb = resource("aws_lb", "main")
    assert alb["drop_invalid_header_fields"] is True
    assert alb["enable_deletion_protection"] is True
    assert resource("aws_wafv2_web_acl_association", "alb")["resource_arn"] == (
        "${aws_lb.main.arn}"
    )


# --- ECS ------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_services_run_in_private_subnets_without_public_ips(service):
    body = resource("aws_ecs_service", service)
    assert body["launch_type"] == "FARGATE"
    network = first(body["network_configuration"])
    assert network["assign_public_ip"] is False
    assert "aws_subnet.private" in network["subnets"]
    assert "aws_subnet.public" not in network["subnets"]


def test_a_migration_task_definition_exists_and_runs_kado_migrate():
    resource("aws_ecs_task_definition", "migrate")
    assert re.search(r'command\s*=\s*\["kado",\s*"migrate"\]', RAW)


def test_worker_runs_celery_and_web_runs_gunicorn():
    assert re.search(r'command\s*=\s*\["celery",\s*"-A",\s*"kado_platform.celery_app"', RAW)
    assert '"gunicorn", "kado_platform.wsgi:application"' in RAW


def test_exactly_one_beat_sends_the_nightly_run():
    beat = resource("aws_ecs_service", "beat")
    assert beat["desired_count"] == 1
    assert beat["deployment_maximum_percent"] == 100, "never two beats during a deploy"
    assert re.search(
        r'command\s*=\s*\["celery",\s*"-A",\s*"kado_platform.celery_app",\s*"beat"', RAW
    )
    assert '"--schedule", "/tmp/celerybeat-schedule"' in RAW  # the root file system is read-only


@pytest.mark.parametrize("task", ["web", "worker", "beat", "migrate"])
def test_task_definitions_take_secrets_from_secrets_manager(task):
    body = resource("aws_ecs_task_definition", task)
    assert body["network_mode"] == "awsvpc"
    assert f"local.{task}_container" in body["container_definitions"]
    assert "aws_iam_role.execution" in body["execution_role_arn"]
    assert "aws_iam_role.app" in body["task_role_arn"]


SECRET_NAMES = (
    "SECRET_KEY",
    "KADO_FIELD_ENCRYPTION_KEYS",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "SENTRY_DSN",
    "DATABASE_URL",
)


def _locals() -> dict:
    merged: dict = {}
    for block in HCL.get("locals", []):
        merged.update(block)
    return merged


def test_secrets_come_from_secrets_manager_and_never_plain_environment():
    values = _locals()
    secrets = values["app_secrets"]
    environment = values["app_environment"]
    secret_text = json.dumps(secrets)
    for name in SECRET_NAMES:
        assert re.search(
            rf'name\s*=\s*\\?"{name}\\?",\s*valueFrom\s*=\s*\\?"\$\{{aws_secretsmanager_secret\.',
            secret_text,
        ), f"{name} is not taken from Secrets Manager"
    plain_names = {item["name"] for item in environment}
    assert not plain_names & set(SECRET_NAMES)
    assert not any(
        word in name for name in plain_names for word in ("SECRET", "PASSWORD", "TOKEN", "DSN")
    )
    base = values["container_base"]
    assert base["secrets"] == "${local.app_secrets}"
    assert base["environment"] == "${local.app_environment}"
    assert base["readonlyRootFilesystem"] is True
    assert base["privileged"] is False


def test_secrets_are_encrypted_with_the_project_key():
    found = resources("aws_secretsmanager_secret")
    assert {"django", "stripe", "sentry", "database"} <= set(found)
    for name, body in found.items():
        assert "aws_kms_key.main" in body["kms_key_id"], name


# --- Everything else ------------------------------------------------------------------


def test_queues_and_logs_are_encrypted():
    for name, queue in resources("aws_sqs_queue").items():
        assert "aws_kms_key.main" in queue["kms_master_key_id"], name
    for name, group in resources("aws_cloudwatch_log_group").items():
        assert "aws_kms_key.main" in group["kms_key_id"], name
        assert group["retention_in_days"] == "${var.log_retention_days}"
    assert resource("aws_kms_key", "main")["enable_key_rotation"] is True


def test_alarms_cover_errors_database_and_dead_letters():
    alarms = _locals()["alarms"]
    assert {"alb-5xx", "rds-free-storage", "rds-connections", "celery-dead-letters"} <= set(alarms)
    assert resource("aws_cloudwatch_metric_alarm", "main")["alarm_actions"] == (
        "${local.alarm_actions}"
    )


def test_every_checkov_skip_carries_a_reason():
    skips = re.findall(r"#checkov:skip=([A-Z0-9_]+)(:?)(.*)", RAW)
    assert skips, "expected the documented skips"
    for check, colon, reason in skips:
        assert colon and len(reason.strip()) > 20, f"{check} is skipped without a reason"


def test_readme_explains_first_deploy_and_adding_a_region():
    readme = (TERRAFORM / "README.md").read_text(encoding="utf-8")
    assert "First deploy" in readme
    assert "Adding a region" in readme
    assert "kado region create" in readme
