"""Which region codes may become a schema name and a subdomain."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGION_CODE_PATTERN = re.compile(r"[a-z][a-z0-9-]{1,30}")
RESERVED_CODES = frozenset(
    {
        "public",
        "www",
        "admin",
        "api",
        "static",
        "media",
        "graphql",
        "mail",
        "smtp",
        "ftp",
        "localhost",
        "hub",
        "federation",
        "status",
        "docs",
    }
)


def validate_region_code(value: str) -> None:
    """Codes become schema names and host names, so only a narrow, safe alphabet passes."""
    if not REGION_CODE_PATTERN.fullmatch(value or ""):
        raise ValidationError(
            _(
                "The region code must start with a lower-case letter and contain only "
                "lower-case letters, digits and hyphens, 2 to 31 characters."
            ),
            code="region_code_format",
        )
    if value in RESERVED_CODES or value.endswith("-") or "--" in value:
        raise ValidationError(
            _("The region code %(code)s is reserved."),
            code="region_code_reserved",
            params={"code": value},
        )
