# Secrets live in Secrets Manager, encrypted with the project key, and reach the
# containers as ECS `secrets` (never as plain environment values in the task definition).
#
# Terraform creates the containers for Django, Stripe and Sentry but never their values:
# an operator puts those with `aws secretsmanager put-secret-value` (README.md), so they
# are not in Terraform's state. Only the database URL is written here, because Terraform
# makes the database password.

resource "aws_secretsmanager_secret" "django" {
  #checkov:skip=CKV2_AWS_57:Rotated by the runbook (docs/operations.md): SECRET_KEY and the field-encryption keys need an ordered roll-out (new key first, re-encrypt, then retire), which a rotation Lambda cannot do safely.
  name                    = "${local.name}/django"
  description             = "JSON: SECRET_KEY, KADO_FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys; the first encrypts, all decrypt)"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret" "stripe" {
  #checkov:skip=CKV2_AWS_57:Stripe keys are issued and rolled in the Stripe dashboard; the runbook (docs/operations.md) puts the new value here.
  name                    = "${local.name}/stripe"
  description             = "JSON: STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret" "sentry" {
  #checkov:skip=CKV2_AWS_57:The Sentry DSN is issued by Sentry; the runbook (docs/operations.md) rolls it.
  name                    = "${local.name}/sentry"
  description             = "JSON: SENTRY_DSN"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret" "database" {
  #checkov:skip=CKV2_AWS_57:No transaction pooler may sit in front of the database (rds.tf), so a rotation would break new connections of running tasks; rotation is a runbook step with a forced redeploy (docs/operations.md).
  name                    = "${local.name}/database"
  description             = "JSON: DATABASE_URL (and DATABASE_REPLICA_URL when a read replica exists)"
  kms_key_id              = aws_kms_key.main.arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret_version" "database" {
  secret_id = aws_secretsmanager_secret.database.id
  secret_string = jsonencode(merge(
    {
      DATABASE_URL = "postgresql://${aws_db_instance.main.username}:${random_password.db.result}@${aws_db_instance.main.address}:${aws_db_instance.main.port}/${aws_db_instance.main.db_name}?sslmode=require&connect_timeout=5"
    },
    var.create_read_replica ? {
      DATABASE_REPLICA_URL = "postgresql://${aws_db_instance.main.username}:${random_password.db.result}@${aws_db_instance.replica[0].address}:${aws_db_instance.main.port}/${aws_db_instance.main.db_name}?sslmode=require&connect_timeout=5"
    } : {},
  ))
}

locals {
  # ECS injects each JSON key as an environment variable when the task starts.
  app_secrets = concat(
    [
      { name = "SECRET_KEY", valueFrom = "${aws_secretsmanager_secret.django.arn}:SECRET_KEY::" },
      { name = "KADO_FIELD_ENCRYPTION_KEYS", valueFrom = "${aws_secretsmanager_secret.django.arn}:KADO_FIELD_ENCRYPTION_KEYS::" },
      { name = "STRIPE_SECRET_KEY", valueFrom = "${aws_secretsmanager_secret.stripe.arn}:STRIPE_SECRET_KEY::" },
      { name = "STRIPE_WEBHOOK_SECRET", valueFrom = "${aws_secretsmanager_secret.stripe.arn}:STRIPE_WEBHOOK_SECRET::" },
      { name = "SENTRY_DSN", valueFrom = "${aws_secretsmanager_secret.sentry.arn}:SENTRY_DSN::" },
      { name = "DATABASE_URL", valueFrom = "${aws_secretsmanager_secret.database.arn}:DATABASE_URL::" },
    ],
    var.create_read_replica ? [
      { name = "DATABASE_REPLICA_URL", valueFrom = "${aws_secretsmanager_secret.database.arn}:DATABASE_REPLICA_URL::" },
    ] : [],
  )

  secret_arns = [
    aws_secretsmanager_secret.django.arn,
    aws_secretsmanager_secret.stripe.arn,
    aws_secretsmanager_secret.sentry.arn,
    aws_secretsmanager_secret.database.arn,
  ]
}
