variable "aws_region" {
  description = "AWS region. Personal data of the regions stays in Japan: Tokyo."
  type        = string
  default     = "ap-northeast-1"

  validation {
    condition     = var.aws_region == "ap-northeast-1"
    error_message = "KADO runs in ap-northeast-1 (Tokyo)."
  }
}

variable "project" {
  description = "Prefix of every resource name."
  type        = string
  default     = "kado"
}

variable "environment" {
  description = "Deployment name: production, staging, ..."
  type        = string
  default     = "production"
}

variable "base_domain" {
  description = "The federation hub's host; every region is served on <region>.<base_domain>."
  type        = string
}

variable "route53_zone_id" {
  description = "The existing public hosted zone of base_domain (delegated by the domain's owner)."
  type        = string
}

variable "vpc_cidr" {
  description = "Address range of the VPC."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zone_ids" {
  description = "Zone IDs to use (IDs, not names: names are shuffled per AWS account)."
  type        = list(string)
  default     = ["apne1-az1", "apne1-az2", "apne1-az4"]
}

variable "az_count" {
  description = "How many of availability_zone_ids are used."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "Use 2 or 3 availability zones: RDS Multi-AZ and the ALB need at least 2."
  }
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper, not AZ-redundant). Production keeps false."
  type        = bool
  default     = false
}

variable "container_image" {
  description = "The application image (ECR URI with an immutable tag or digest)."
  type        = string
}

variable "release" {
  description = "Release name reported to Sentry and in logs (the git sha of the image)."
  type        = string
}

variable "web_desired_count" {
  description = "Web (gunicorn) tasks. 0 on the very first apply, before secrets are filled in."
  type        = number
  default     = 2
}

variable "web_max_count" {
  description = "Upper bound of web autoscaling."
  type        = number
  default     = 10
}

variable "worker_desired_count" {
  description = "Celery worker tasks. 0 on the very first apply."
  type        = number
  default     = 1
}

variable "web_cpu" {
  description = "Fargate CPU units of a web task."
  type        = number
  default     = 1024
}

variable "web_memory" {
  description = "Fargate memory (MiB) of a web task."
  type        = number
  default     = 2048
}

variable "worker_cpu" {
  description = "Fargate CPU units of a worker task."
  type        = number
  default     = 1024
}

variable "worker_memory" {
  description = "Fargate memory (MiB) of a worker task."
  type        = number
  default     = 2048
}

variable "gunicorn_workers" {
  description = "gunicorn worker processes per web task."
  type        = number
  default     = 3
}

variable "db_instance_class" {
  description = "RDS instance class."
  type        = string
  default     = "db.r6g.large"
}

variable "db_engine_version" {
  description = "PostgreSQL major.minor version."
  type        = string
  default     = "16.4"
}

variable "db_allocated_storage" {
  description = "Initial storage (GiB)."
  type        = number
  default     = 100
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling ceiling (GiB)."
  type        = number
  default     = 1000
}

variable "db_backup_retention_days" {
  description = "Automated backup retention; point-in-time recovery reaches back this far."
  type        = number
  default     = 14

  validation {
    condition     = var.db_backup_retention_days >= 7 && var.db_backup_retention_days <= 35
    error_message = "Keep at least 7 days of backups (RDS allows up to 35)."
  }
}

variable "db_max_connections" {
  description = "PostgreSQL max_connections. No pooler (see rds.tf): size it for every task's workers."
  type        = number
  default     = 400
}

variable "create_read_replica" {
  description = "Add a read replica for reports (docs/operations.md, scaling)."
  type        = bool
  default     = false
}

variable "log_retention_days" {
  description = "CloudWatch log retention (days)."
  type        = number
  default     = 365
}

variable "alarm_email" {
  description = "Address subscribed to the alarm topic (confirm the subscription mail). Empty: none."
  type        = string
  default     = ""
}
