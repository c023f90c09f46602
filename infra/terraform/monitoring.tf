# Logs (JSON lines from the app: region and request id on each) and the alarms that page.

resource "aws_cloudwatch_log_group" "app" {
  for_each          = toset(["web", "worker", "beat", "migrate"])
  name              = "/${var.project}/${var.environment}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/${var.project}/${var.environment}/vpc-flow"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_cloudwatch_log_group" "waf" {
  # WAF requires the aws-waf-logs- prefix.
  name              = "aws-waf-logs-${local.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = aws_kms_key.main.arn
}

resource "aws_sns_topic" "alarms" {
  name              = "${local.name}-alarms"
  kms_master_key_id = aws_kms_key.main.arn
}

resource "aws_sns_topic_subscription" "alarm_email" {
  count     = var.alarm_email == "" ? 0 : 1
  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

# Error lines of the web, worker and beat logs, counted (the JSON formatter writes "level").
resource "aws_cloudwatch_log_metric_filter" "app_errors" {
  for_each       = toset(["web", "worker", "beat"])
  name           = "${local.name}-${each.key}-errors"
  log_group_name = aws_cloudwatch_log_group.app[each.key].name
  pattern        = "{ $.level = \"ERROR\" || $.level = \"CRITICAL\" }"

  metric_transformation {
    name      = "${each.key}-errors"
    namespace = "KADO/${var.environment}"
    value     = "1"
  }
}

locals {
  alarm_actions = [aws_sns_topic.alarms.arn]

  alarms = {
    alb-5xx = {
      namespace = "AWS/ApplicationELB", metric = "HTTPCode_Target_5XX_Count", statistic = "Sum"
      threshold = 20, comparison = "GreaterThanThreshold", periods = 2
      dimensions  = { LoadBalancer = aws_lb.main.arn_suffix }
      description = "The web tasks answered more than 20 server errors a minute, twice."
    }
    alb-unhealthy-targets = {
      namespace = "AWS/ApplicationELB", metric = "UnHealthyHostCount", statistic = "Maximum"
      threshold = 0, comparison = "GreaterThanThreshold", periods = 3
      dimensions  = { LoadBalancer = aws_lb.main.arn_suffix, TargetGroup = aws_lb_target_group.web.arn_suffix }
      description = "A web task fails its /healthz check."
    }
    alb-slow = {
      namespace = "AWS/ApplicationELB", metric = "TargetResponseTime", statistic = "Average"
      threshold = 2, comparison = "GreaterThanThreshold", periods = 5
      dimensions  = { LoadBalancer = aws_lb.main.arn_suffix }
      description = "Average response time above 2 s for 5 minutes."
    }
    rds-cpu = {
      namespace = "AWS/RDS", metric = "CPUUtilization", statistic = "Average"
      threshold = 80, comparison = "GreaterThanThreshold", periods = 10
      dimensions  = { DBInstanceIdentifier = aws_db_instance.main.identifier }
      description = "Database CPU above 80 % for 10 minutes."
    }
    rds-free-storage = {
      namespace = "AWS/RDS", metric = "FreeStorageSpace", statistic = "Minimum"
      threshold = 10737418240, comparison = "LessThanThreshold", periods = 5
      dimensions  = { DBInstanceIdentifier = aws_db_instance.main.identifier }
      description = "Less than 10 GiB of database storage left."
    }
    rds-connections = {
      namespace = "AWS/RDS", metric = "DatabaseConnections", statistic = "Maximum"
      threshold = floor(var.db_max_connections * 0.8), comparison = "GreaterThanThreshold", periods = 5
      dimensions  = { DBInstanceIdentifier = aws_db_instance.main.identifier }
      description = "Connections above 80 % of max_connections (there is no pooler: add capacity or lower gunicorn threads)."
    }
    celery-dead-letters = {
      namespace = "AWS/SQS", metric = "ApproximateNumberOfMessagesVisible", statistic = "Maximum"
      threshold = 0, comparison = "GreaterThanThreshold", periods = 1
      dimensions  = { QueueName = aws_sqs_queue.celery_dead_letter.name }
      description = "A background job failed five times and was parked in the dead-letter queue."
    }
    celery-backlog = {
      namespace = "AWS/SQS", metric = "ApproximateAgeOfOldestMessage", statistic = "Maximum"
      threshold = 900, comparison = "GreaterThanThreshold", periods = 3
      dimensions  = { QueueName = aws_sqs_queue.celery.name }
      description = "Jobs wait more than 15 minutes: add worker tasks."
    }
    web-errors = {
      namespace = "KADO/${var.environment}", metric = "web-errors", statistic = "Sum"
      threshold = 10, comparison = "GreaterThanThreshold", periods = 2
      dimensions  = {}
      description = "More than 10 ERROR log lines a minute from the web tasks."
    }
    worker-errors = {
      namespace = "KADO/${var.environment}", metric = "worker-errors", statistic = "Sum"
      threshold = 10, comparison = "GreaterThanThreshold", periods = 2
      dimensions  = {}
      description = "More than 10 ERROR log lines a minute from the workers."
    }
    beat-errors = {
      namespace = "KADO/${var.environment}", metric = "beat-errors", statistic = "Sum"
      threshold = 0, comparison = "GreaterThanThreshold", periods = 1
      dimensions  = {}
      description = "The beat could not send the schedule: the nightly checks may not run."
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "main" {
  for_each            = local.alarms
  alarm_name          = "${local.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  dimensions          = each.value.dimensions
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison
  evaluation_periods  = each.value.periods
  period              = 60
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
}
