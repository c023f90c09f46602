"""What the project's management commands share: bilingual refusals, tables and URLs.

The leading underscore keeps Django from taking this module for a command.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.encoding import force_str
from django.utils.translation import override

from kado_platform.core.errors import DomainError

DEV_PORT = 8000


def bilingual(text) -> str:
    """A (lazy) message in Japanese and English, or once when no translation exists yet."""
    with override("ja"):
        ja = force_str(text)
    with override("en"):
        en = force_str(text)
    return ja if ja == en else f"{ja} / {en}"


def refusal(error: DomainError, *, fields: dict[str, str] | None = None) -> CommandError:
    """`field: 日本語 / English` for a service's refusal; `fields` renames a service's field
    to the option the person typed (e.g. `email` → `admin_email`)."""
    with override("ja"):
        ja = error.message
    with override("en"):
        en = error.message
    text = ja if ja == en else f"{ja} / {en}"
    field = (fields or {}).get(error.field, error.field) if error.field else None
    return CommandError(f"{field}: {text}" if field else text)


def refuse(code: str, message, *, field: str | None = None, params=None) -> CommandError:
    """A refusal decided by the command itself (bad option syntax, nothing found)."""
    return refusal(DomainError(code, message, field=field, params=params))


def host_url(host: str, path: str = "/", *, port: int | None = None) -> str:
    """The address a person types: plain http on the development port, https otherwise."""
    if settings.DEBUG:
        return f"http://{host}:{port or DEV_PORT}{path}"
    return f"https://{host}{path}"


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain text table; widths count East Asian wide characters as two columns."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    def pad(text: str, size: int) -> str:
        return text + " " * (size - width(text))

    cells = [[force_str(row.get(column, "")) for column in columns] for row in rows]
    sizes = [
        max([width(column)] + [width(line[index]) for line in cells])
        for index, column in enumerate(columns)
    ]
    lines = ["  ".join(pad(c, s) for c, s in zip(columns, sizes, strict=True)).rstrip()]
    lines.append("  ".join("-" * s for s in sizes))
    lines += [
        "  ".join(pad(c, s) for c, s in zip(line, sizes, strict=True)).rstrip() for line in cells
    ]
    return "\n".join(lines)


def as_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
