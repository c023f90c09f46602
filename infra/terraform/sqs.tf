# The Celery broker in AWS. A message that fails five times lands in the dead-letter queue
# (alarmed in monitoring.tf) instead of being lost or retried for ever.

resource "aws_sqs_queue" "celery_dead_letter" {
  name                              = "${local.name}-celery-dlq"
  message_retention_seconds         = 1209600 # 14 days
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300
}

resource "aws_sqs_queue" "celery" {
  name                              = "${local.name}-celery"
  visibility_timeout_seconds        = 3600 # longer than the longest task (acks_late)
  message_retention_seconds         = 345600
  receive_wait_time_seconds         = 20
  kms_master_key_id                 = aws_kms_key.main.arn
  kms_data_key_reuse_period_seconds = 300

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.celery_dead_letter.arn
    maxReceiveCount     = 5
  })
}
