output "hub_url" {
  description = "The federation hub."
  value       = "https://${var.base_domain}/"
}

output "region_url_pattern" {
  description = "Every region answers here once `kado region create` has made it."
  value       = "https://<region>.${var.base_domain}/"
}

output "alb_dns_name" {
  description = "The load balancer (the Route 53 records alias it)."
  value       = aws_lb.main.dns_name
}

output "ecs_cluster" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.main.name
}

output "ecs_services" {
  description = "ECS service names."
  value       = { web = aws_ecs_service.web.name, worker = aws_ecs_service.worker.name }
}

output "migrate_task_definition" {
  description = "Run once per deploy, before the services roll."
  value       = aws_ecs_task_definition.migrate.arn
}

output "run_task_network_configuration" {
  description = "--network-configuration for `aws ecs run-task` (migrations, one-off kado commands)."
  value       = "awsvpcConfiguration={subnets=[${join(",", aws_subnet.private[*].id)}],securityGroups=[${aws_security_group.app.id}],assignPublicIp=DISABLED}"
}

output "database_endpoint" {
  description = "RDS endpoint (private)."
  value       = aws_db_instance.main.address
}

output "database_replica_endpoint" {
  description = "Read replica endpoint, when create_read_replica is true."
  value       = var.create_read_replica ? aws_db_instance.replica[0].address : null
}

output "files_bucket" {
  description = "S3 bucket of the deliverables."
  value       = aws_s3_bucket.files.id
}

output "celery_queue_url" {
  description = "SQS queue of the background jobs."
  value       = aws_sqs_queue.celery.url
}

output "secret_arns" {
  description = "Secrets to fill in with `aws secretsmanager put-secret-value` (README.md)."
  value = {
    django   = aws_secretsmanager_secret.django.arn
    stripe   = aws_secretsmanager_secret.stripe.arn
    sentry   = aws_secretsmanager_secret.sentry.arn
    database = aws_secretsmanager_secret.database.arn
  }
}

output "kms_key_arn" {
  description = "The key of the data at rest."
  value       = aws_kms_key.main.arn
}

output "log_groups" {
  description = "CloudWatch log groups of the tasks."
  value       = { for key, group in aws_cloudwatch_log_group.app : key => group.name }
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms publish to."
  value       = aws_sns_topic.alarms.arn
}
