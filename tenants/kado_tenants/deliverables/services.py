"""Deliverables: files attached to orders, uploaded and downloaded through presigned URLs.

The bytes never pass through the application in production: `deliverable_upload_start`
checks the declared name, type and size (a refused file never reaches S3), records a
pending row and returns a presigned POST whose policy pins the key, the exact size, the
content type and server-side encryption, so S3 itself refuses anything else;
`deliverable_upload_complete` asks S3 what arrived (HEAD) and marks the row uploaded;
`deliverable_download_url` checks the caller's permission on the request's region and
only then signs a short-lived GET.

Isolation: every key starts with the schema name of the region the row lives in
(`<schema>/orders/<order id>/<uuid>/<safe name>`), and a URL is signed only for a key with
the current region's prefix, so one region can never be handed another region's object.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from contextlib import contextmanager
from pathlib import PurePosixPath

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.audit.services import audit_record
from kado_platform.core.errors import DomainError
from kado_platform.core.storage import PresignedPost, StoreUnavailable, deliverable_store
from kado_tenants.deliverables.choices import DeliverableStatus
from kado_tenants.deliverables.models import Deliverable

MAX_FILENAME_LENGTH = 200
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def current_region():
    """The region whose schema the connection is on (the request's region on its host)."""
    from kado_platform.regions.models import Region

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Region) and not tenant.is_federation:
        return tenant
    schema = getattr(connection, "schema_name", "public")
    region = Region.objects.filter(schema_name=schema).exclude(schema_name="public").first()
    if region is None:
        raise DomainError("no_region", _("Deliverables belong to a region."))
    return region


@contextmanager
def _store_available():
    """Turn an unreachable store into the refusal the edges show."""
    try:
        yield
    except StoreUnavailable as error:
        raise DomainError(
            "storage_unavailable", _("File storage is unavailable; try again later.")
        ) from error


def _require(acting_user, perm: Perm, region) -> None:
    if not has_perm(acting_user, perm, region):
        raise DomainError("permission_denied", _("You do not have permission to do this."))


def _basename(filename) -> str:
    """The last part of a path (either slash), NFKC-normalised and stripped."""
    name = unicodedata.normalize("NFKC", str(filename or "")).replace("\\", "/")
    return PurePosixPath(name).name.strip()


def safe_filename(filename: str) -> str:
    """The last part of a path, as ASCII letters, digits, `.`, `_` and `-` (for the key)."""
    name = _basename(filename)
    suffix = PurePosixPath(name).suffix.lower()
    stem = _UNSAFE.sub("_", name[: -len(suffix)] if suffix else name).strip("._-")
    stem = stem[: MAX_FILENAME_LENGTH - len(suffix)] or "file"
    return f"{stem}{_UNSAFE.sub('', suffix)}"


def check_upload(*, filename: str, content_type: str, size) -> tuple[str, str]:
    """Refuse a name, type or size that may not be stored; the cleaned name and type."""
    name = _basename(filename)
    if not name or name in {".", ".."}:
        raise DomainError("filename_required", _("A file name is required."), field="filename")
    if len(name) > 255 or any(unicodedata.category(ch) == "Cc" for ch in name):
        raise DomainError("filename_invalid", _("This file name is not allowed."), field="filename")
    extension = PurePosixPath(name).suffix.lower()
    allowed = settings.KADO_DELIVERABLE_TYPES.get(extension)
    if allowed is None:
        raise DomainError(
            "file_type_refused",
            _("Files of type %(extension)s are not accepted."),
            field="filename",
            params={"extension": extension or "(none)"},
        )
    content_type = str(content_type or "").strip().lower()
    if content_type not in allowed:
        raise DomainError(
            "content_type_refused",
            _("The content type %(type)s does not match a %(extension)s file."),
            field="content_type",
            params={"type": content_type or "(none)", "extension": extension},
        )
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise DomainError(
            "size_invalid", _("The size must be a whole number of bytes."), field="size"
        )
    limit = settings.KADO_DELIVERABLE_MAX_BYTES
    if size > limit:
        raise DomainError(
            "file_too_large",
            _("Files may be at most %(limit)s bytes."),
            field="size",
            params={"limit": limit},
        )
    return name, content_type


def deliverable_key(*, region, order, filename: str) -> str:
    return f"{region.schema_name}/orders/{order.pk}/{uuid.uuid4().hex}/{safe_filename(filename)}"


def _check_prefix(deliverable: Deliverable, region) -> None:
    if not deliverable.key.startswith(f"{region.schema_name}/"):
        # Cannot happen through the services; refuse rather than sign another region's key.
        raise DomainError("not_found", _("Not found."))


@transaction.atomic
def deliverable_upload_start(
    *, order, filename: str, content_type: str, size: int, acting_user
) -> tuple[Deliverable, PresignedPost]:
    """A pending deliverable and the presigned POST that uploads its bytes."""
    region = current_region()
    _require(acting_user, Perm.REGION_WRITE, region)
    name, content_type = check_upload(filename=filename, content_type=content_type, size=size)
    deliverable = Deliverable.objects.create(
        order=order,
        filename=name,
        content_type=content_type,
        size=size,
        key=deliverable_key(region=region, order=order, filename=name),
        uploaded_by_id=getattr(acting_user, "pk", None),
    )
    with _store_available():
        post = deliverable_store().presigned_post(
            key=deliverable.key,
            content_type=content_type,
            size=size,
            expires=settings.KADO_DELIVERABLE_URL_SECONDS,
        )
    audit_record(
        action="deliverable.upload_start",
        actor=acting_user,
        instance=deliverable,
        changes={"order_id": order.pk, "size": size, "content_type": content_type},
    )
    return deliverable, post


@transaction.atomic
def deliverable_upload_complete(
    *, deliverable: Deliverable, acting_user, sha256: str = ""
) -> Deliverable:
    """Check what the store received under the key, and mark the deliverable uploaded."""
    region = current_region()
    _require(acting_user, Perm.REGION_WRITE, region)
    deliverable = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    _check_prefix(deliverable, region)
    if deliverable.status == DeliverableStatus.UPLOADED:
        return deliverable  # idempotent: a retried completion changes nothing
    sha256 = (sha256 or "").strip().lower()
    if sha256 and not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise DomainError("sha256_invalid", _("Not a SHA-256 hex digest."), field="sha256")
    with _store_available():
        stored = deliverable_store().head(key=deliverable.key)
    if stored is None:
        raise DomainError("upload_missing", _("The file has not been uploaded yet."))
    if stored.size != deliverable.size:
        raise DomainError(
            "upload_size_mismatch", _("The uploaded file is not of the declared size.")
        )
    if stored.content_type.split(";")[0].strip().lower() != deliverable.content_type:
        raise DomainError(
            "upload_type_mismatch", _("The uploaded file is not of the declared content type.")
        )
    deliverable.status = DeliverableStatus.UPLOADED
    deliverable.uploaded_at = timezone.now()
    deliverable.encryption = stored.encryption or ""
    deliverable.sha256 = sha256
    deliverable.save(update_fields=["status", "uploaded_at", "encryption", "sha256"])
    audit_record(
        action="deliverable.upload_complete",
        actor=acting_user,
        instance=deliverable,
        changes={"order_id": deliverable.order_id, "size": deliverable.size},
    )
    return deliverable


def deliverable_download_url(*, deliverable: Deliverable, acting_user) -> str:
    """A short-lived download URL, signed only after the caller's permission is checked."""
    region = current_region()
    _require(acting_user, Perm.REGION_READ, region)
    _check_prefix(deliverable, region)
    if deliverable.status != DeliverableStatus.UPLOADED:
        raise DomainError("upload_missing", _("The file has not been uploaded yet."))
    with _store_available():
        url = deliverable_store().presigned_get(
            key=deliverable.key,
            filename=deliverable.filename,
            content_type=deliverable.content_type,
            expires=settings.KADO_DELIVERABLE_URL_SECONDS,
        )
    audit_record(
        action="deliverable.download",
        actor=acting_user,
        instance=deliverable,
        changes={"order_id": deliverable.order_id},
    )
    return url
