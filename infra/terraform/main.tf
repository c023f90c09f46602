data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# Pinned by zone ID, so a zone AWS adds later never moves subnets around.
data "aws_availability_zones" "available" {
  state = "available"

  filter {
    name   = "zone-id"
    values = var.availability_zone_ids
  }
}

data "aws_elb_service_account" "main" {}

locals {
  name       = "${var.project}-${var.environment}"
  account_id = data.aws_caller_identity.current.account_id
  azs        = slice(data.aws_availability_zones.available.names, 0, var.az_count)

  tags = {
    Project     = var.project
    Environment = var.environment
    ManagedBy   = "terraform"
  }

  # Non-secret settings every container gets (secrets come from Secrets Manager, ecs.tf).
  app_environment = [
    { name = "KADO_BASE_DOMAIN", value = var.base_domain },
    { name = "KADO_BEHIND_TLS_PROXY", value = "1" },
    { name = "KADO_ENVIRONMENT", value = var.environment },
    { name = "KADO_RELEASE", value = var.release },
    { name = "KADO_S3_BUCKET", value = aws_s3_bucket.files.id },
    { name = "KADO_S3_KMS_KEY_ID", value = aws_kms_key.main.arn },
    { name = "KADO_SQS_QUEUE_URL", value = aws_sqs_queue.celery.url },
    { name = "CELERY_BROKER_URL", value = "sqs://" },
    { name = "AWS_DEFAULT_REGION", value = var.aws_region },
    { name = "LOG_FORMAT", value = "json" },
  ]
}
