"""The local store's stand-ins for S3's presigned POST and GET (no bucket configured).

Both answer only on the region host whose schema prefixes the key, only to a user who
holds the permission there (write to upload, read to download), and only with a token
that the services signed for that key and that has not expired.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from kado_platform.accounts.policy import Perm, has_perm
from kado_platform.core.storage import (
    LOCAL_DOWNLOAD_SALT,
    LOCAL_UPLOAD_SALT,
    LocalStore,
    content_disposition,
    deliverable_store,
)


def _store_or_404() -> LocalStore:
    store = deliverable_store()
    if not isinstance(store, LocalStore):
        raise Http404
    return store


def _region_key(request, key: str) -> bool:
    tenant = getattr(request, "tenant", None)
    schema = getattr(tenant, "schema_name", "public")
    return schema != "public" and str(key).startswith(f"{schema}/")


@csrf_exempt  # the signed, single-use-key token is the proof of intent
@require_POST
def local_upload(request):
    store = _store_or_404()
    if not has_perm(request.user, Perm.REGION_WRITE, getattr(request, "tenant", None)):
        return HttpResponse(status=403)
    try:
        signed = signing.loads(
            request.POST.get("token", ""),
            salt=LOCAL_UPLOAD_SALT,
            max_age=settings.KADO_DELIVERABLE_URL_SECONDS,
        )
    except signing.BadSignature:
        return HttpResponse("policy expired or invalid", status=403)
    upload = request.FILES.get("file")
    if (
        upload is None
        or request.POST.get("key") != signed["key"]
        or not _region_key(request, signed["key"])
        or request.POST.get("Content-Type", "").lower() != signed["content_type"]
        or upload.size != signed["size"]
    ):
        return HttpResponse("policy conditions not met", status=403)
    store.save(key=signed["key"], content_type=signed["content_type"], chunks=upload.chunks())
    return HttpResponse(status=204)


@require_GET
def local_download(request, token: str):
    store = _store_or_404()
    if not has_perm(request.user, Perm.REGION_READ, getattr(request, "tenant", None)):
        return HttpResponse(status=403)
    try:
        signed = signing.loads(
            token, salt=LOCAL_DOWNLOAD_SALT, max_age=settings.KADO_DELIVERABLE_URL_SECONDS
        )
    except signing.BadSignature:
        raise Http404 from None
    if not _region_key(request, signed["key"]):
        raise Http404
    path = store.path(signed["key"])
    if not path.is_file():
        raise Http404
    response = FileResponse(open(path, "rb"), content_type=signed["content_type"])  # noqa: SIM115
    response["Content-Disposition"] = content_disposition(signed["filename"])
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
