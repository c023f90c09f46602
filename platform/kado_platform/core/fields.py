"""Encryption at rest for sensitive personal data (要配慮個人情報)."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("KADO_FIELD_ENCRYPTION_KEYS is not set.")
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    """The first key encrypts; every listed key decrypts, so keys can be rotated."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


class EncryptedTextField(models.TextField):
    """Stored as a Fernet token; read back as text. Not searchable, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return cipher().decrypt(value.encode()).decode()
        except InvalidToken as error:
            raise ValueError(
                "A sensitive field could not be decrypted with the configured keys."
            ) from error

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return cipher().encrypt(str(value).encode()).decode()


def reencrypt(token: str) -> str:
    """Re-encrypt a stored token under the newest key (after a key rotation)."""
    return cipher().rotate(token.encode()).decode()
