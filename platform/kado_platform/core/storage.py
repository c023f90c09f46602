"""Where deliverables' bytes live: S3 in production, a local folder in development.

Both stores speak the same small protocol, so the services do not care which is in use:

- `presigned_post(key=, content_type=, size=, expires=)`: a URL and form fields that let a
  browser or a client upload ONE object straight to the store, under exactly that key,
  of exactly that size and content type, encrypted at rest;
- `put(key=, content=, content_type=)`: an object the application writes itself;
- `head(key=)`: what the store holds under a key (size, content type, encryption), or None;
- `presigned_get(key=, filename=, content_type=, expires=)`: a short-lived download URL.

Callers (kado_tenants.deliverables.services) build every key from the region's schema
name and check permissions BEFORE asking for a URL; the stores never decide who may do
what. With `KADO_S3_BUCKET` set the store is S3 (boto3; `KADO_S3_ENDPOINT_URL` points it at
another S3 protocol server, e.g. moto in the tests); without it, files go under
`KADO_DELIVERABLES_ROOT` (git-ignored) and the "presigned" URLs are signed tokens for the
region host's own upload and download views, which check the user's permission again.
"""

from __future__ import annotations

import datetime
import mimetypes
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.urls import reverse

LOCAL_UPLOAD_SALT = "kado.deliverables.upload"
LOCAL_DOWNLOAD_SALT = "kado.deliverables.download"


class StoreUnavailable(Exception):
    """The store could not be reached (network, credentials, outage): try again later."""


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str]
    expires_at: datetime.datetime


@dataclass(frozen=True)
class StoredObject:
    size: int
    content_type: str
    encryption: str | None


def _expiry(seconds: int) -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=seconds)


def encryption_header() -> dict[str, str]:
    """`x-amz-server-side-encryption` (and the KMS key, when one is configured)."""
    if settings.KADO_S3_KMS_KEY_ID:
        return {
            "x-amz-server-side-encryption": "aws:kms",
            "x-amz-server-side-encryption-aws-kms-key-id": settings.KADO_S3_KMS_KEY_ID,
        }
    return {"x-amz-server-side-encryption": "AES256"}


def content_disposition(filename: str) -> str:
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    ascii_name = ascii_name.replace('"', "")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class S3Store:
    kind = "s3"

    def __init__(self, *, bucket: str, region_name: str, endpoint_url: str | None = None):
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.client = boto3.client(
            "s3",
            region_name=region_name,
            endpoint_url=endpoint_url or None,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if endpoint_url else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )

    def presigned_post(self, *, key: str, content_type: str, size: int, expires: int):
        sse = encryption_header()
        fields = {"Content-Type": content_type, **sse}
        conditions = [
            {"bucket": self.bucket},
            ["eq", "$key", key],
            ["content-length-range", size, size],
            ["eq", "$Content-Type", content_type],
            *({name: value} for name, value in sse.items()),
        ]
        try:
            post = self.client.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Fields=fields,
                Conditions=conditions,
                ExpiresIn=expires,
            )
        except Exception as error:  # botocore: no credentials, bad configuration
            raise StoreUnavailable(str(error)) from error
        return PresignedPost(url=post["url"], fields=post["fields"], expires_at=_expiry(expires))

    def head(self, *, key: str) -> StoredObject | None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            found = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 404 or error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey"}:
                return None
            raise StoreUnavailable(str(error)) from error
        except BotoCoreError as error:
            raise StoreUnavailable(str(error)) from error
        return StoredObject(
            size=int(found["ContentLength"]),
            content_type=found.get("ContentType", ""),
            encryption=found.get("ServerSideEncryption"),
        )

    def put(self, *, key: str, content: bytes, content_type: str) -> None:
        """Write an object the application made itself (an export), encrypted at rest."""
        sse = encryption_header()
        extra = {"ServerSideEncryption": sse["x-amz-server-side-encryption"]}
        if "x-amz-server-side-encryption-aws-kms-key-id" in sse:
            extra["SSEKMSKeyId"] = sse["x-amz-server-side-encryption-aws-kms-key-id"]
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=key, Body=content, ContentType=content_type, **extra
            )
        except Exception as error:
            raise StoreUnavailable(str(error)) from error

    def presigned_get(self, *, key: str, filename: str, content_type: str, expires: int) -> str:
        try:
            return self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "ResponseContentDisposition": content_disposition(filename),
                    "ResponseContentType": content_type,
                },
                ExpiresIn=expires,
            )
        except Exception as error:
            raise StoreUnavailable(str(error)) from error


class LocalStore:
    """Files under a folder, with signed URLs to the region host's own views."""

    kind = "local"

    def __init__(self, *, root: Path):
        self.root = Path(root)
        self.files = FileSystemStorage(location=str(self.root))

    def path(self, key: str) -> Path:
        return Path(self.files.path(key))  # refuses keys that climb out of the root

    def presigned_post(self, *, key: str, content_type: str, size: int, expires: int):
        token = signing.dumps(
            {"key": key, "content_type": content_type, "size": size}, salt=LOCAL_UPLOAD_SALT
        )
        return PresignedPost(
            url=reverse("deliverable_local_upload"),
            fields={"key": key, "Content-Type": content_type, "token": token},
            expires_at=_expiry(expires),
        )

    def head(self, *, key: str) -> StoredObject | None:
        path = self.path(key)
        if not path.is_file():
            return None
        marker = path.with_name(path.name + ".type")
        content_type = (marker.read_text() if marker.is_file() else "") or (
            mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        )
        return StoredObject(
            size=path.stat().st_size, content_type=content_type, encryption="local-disk"
        )

    def save(self, *, key: str, content_type: str, chunks) -> int:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        partial = path.with_name(path.name + ".part")
        written = 0
        with open(partial, "wb") as out:
            for chunk in chunks:
                written += len(chunk)
                out.write(chunk)
        os.replace(partial, path)
        path.with_name(path.name + ".type").write_text(content_type)
        return written

    def put(self, *, key: str, content: bytes, content_type: str) -> None:
        self.save(key=key, content_type=content_type, chunks=[content])

    def presigned_get(self, *, key: str, filename: str, content_type: str, expires: int) -> str:
        token = signing.dumps(
            {"key": key, "filename": filename, "content_type": content_type},
            salt=LOCAL_DOWNLOAD_SALT,
        )
        return reverse("deliverable_local_download", args=[token])


@lru_cache(maxsize=4)
def _store(bucket: str, region_name: str, endpoint_url: str, root: str):
    if bucket:
        return S3Store(bucket=bucket, region_name=region_name, endpoint_url=endpoint_url)
    return LocalStore(root=Path(root))


def deliverable_store() -> S3Store | LocalStore:
    """The configured store (S3 when `KADO_S3_BUCKET` is set, else the local folder)."""
    return _store(
        settings.KADO_S3_BUCKET,
        settings.KADO_S3_REGION,
        settings.KADO_S3_ENDPOINT_URL,
        str(settings.KADO_DELIVERABLES_ROOT),
    )
