"""The one error type every service raises for an expected refusal.

Edges turn it into a form error, a GraphQL `errors { field message code }` entry or a
command-line message; the code is stable for clients, the message is for people.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.encoding import force_str


class DomainError(Exception):
    def __init__(self, code: str, message, *, field: str | None = None, params=None):
        self.code = code
        self.field = field
        self._message = message
        self.params = params or {}
        super().__init__(self.message)

    @property
    def message(self) -> str:
        # Lazy plural messages (ngettext_lazy) choose their form from the params, so they
        # are filled in before they become text.
        return force_str(self._message % self.params if self.params else self._message)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> DomainError:
        """The first problem of a model's full_clean(), with the field it belongs to."""
        if hasattr(error, "error_dict"):
            field, errors = next(iter(error.error_dict.items()))
            first = errors[0]
            return cls(
                first.code or "invalid",
                first.message,
                field=None if field == "__all__" else field,
                params=first.params,
            )
        first = error.error_list[0]
        return cls(first.code or "invalid", first.message, params=first.params)


def validate(instance, *, exclude=None) -> None:
    """Run a model's full_clean() and raise the first problem as a DomainError."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error
