"""The key django-axes counts failed logins under: the host's region and the email.

Counting per region means a mistyped password on one region's host never locks the
same person out of another region's host; the settings combine it with the address.
"""


def login_key(request, credentials=None) -> str:
    data = credentials or getattr(request, "POST", None) or {}
    email = str(data.get("username") or data.get("email") or "").strip().lower()
    tenant = getattr(request, "tenant", None)
    schema = getattr(tenant, "schema_name", "") or "unknown"
    return f"{schema}:{email}"
