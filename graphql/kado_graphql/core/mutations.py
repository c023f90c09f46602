"""The base of every mutation: a declared permission, one `input`, typed errors.

    class OrderCreate(KadoMutation):
        class Meta:
            permission = Perm.REGION_WRITE          # required: no Meta.permission, no class
            description = "Record a new order."

        class Input:                                # becomes `input: OrderCreateInput!`
            client_id = graphene.ID(required=True)
            title = graphene.String(required=True)

        order = graphene.Field(OrderType)           # the payload, besides `errors`

        @classmethod
        def perform(cls, root, info, *, client_id, title):
            client = decode_global_id(info, client_id, "Client", field="client_id")
            return cls(order=order_create(client_id=client, title=title, actor=info.context.user))

    class OrderMutations(graphene.ObjectType):
        order_create = OrderCreate.Field()

The schema gets `orderCreate(input: OrderCreateInput!): OrderCreatePayload` with
`errors: [Error!]!`. Before `perform` runs, the permission is checked (refusal: a
GraphQL error with code `permission_denied`). A DomainError (or a Django ValidationError,
BadInputError or NotFoundError) raised by `perform` comes back as `errors { field message
code }` with the field in camelCase, and the request's transaction is rolled back; any
other exception rolls back too and is logged and answered as "Internal error".
"""

from __future__ import annotations

import re

import graphene
from django.core.exceptions import ValidationError
from graphene.types.mutation import MutationOptions
from graphene.types.utils import yank_fields_from_attrs
from graphene.utils.props import props
from graphene_django.constants import MUTATION_ERRORS_FLAG

from kado_graphql.core.errors import BadInputError, NotFoundError, error_field
from kado_graphql.core.permissions import decided_fields, require
from kado_graphql.core.types import PUBLIC, KadoObjectType
from kado_platform.core.errors import DomainError


class ErrorType(KadoObjectType):
    class Meta:
        name = "Error"
        permission = PUBLIC
        description = "An expected refusal of a mutation's input."

    field = graphene.String(
        description="The input field at fault (camelCase), or null for the whole input."
    )
    message = graphene.String(required=True, description="For people, in their language.")
    code = graphene.String(required=True, description="Stable, for programs.")


def mark_failed(request) -> None:
    """Make the view roll back the request's transaction (graphene-django's flag)."""
    if request is not None:
        setattr(request, MUTATION_ERRORS_FLAG, True)


_INDEX = re.compile(r"\.\d+(?=\.|$)")


def errors_from(exception, field_names=None) -> list[ErrorType]:
    """Typed payload errors for an expected refusal."""
    rename = field_names or {}

    def field_of(name):
        if not name:
            return None
        if name in rename:
            return error_field(rename[name])
        # `lines.*.order` renames `lines.3.order` (the index kept).
        indexes = _INDEX.findall(name)
        pattern = _INDEX.sub(".*", name)
        if indexes and pattern in rename:
            kept = iter(indexes)
            return error_field(re.sub(r"\.\*", lambda _match: next(kept), rename[pattern]))
        return error_field(name)

    if isinstance(exception, DomainError):
        return [
            ErrorType(
                field=field_of(exception.field), message=exception.message, code=exception.code
            )
        ]
    if isinstance(exception, ValidationError):
        found = []
        items = (
            exception.error_dict.items()
            if hasattr(exception, "error_dict")
            else [(None, exception.error_list)]
        )
        for name, errors in items:
            for error in errors:
                message = error.message % error.params if error.params else error.message
                found.append(
                    ErrorType(
                        field=None if name in (None, "__all__") else field_of(name),
                        message=str(message),
                        code=error.code or "invalid",
                    )
                )
        return found
    # BadInputError / NotFoundError: their field is already camelCase.
    return [
        ErrorType(
            field=exception.extensions.get("field"),
            message=exception.message,
            code=exception.extensions["code"],
        )
    ]


EXPECTED = (DomainError, ValidationError, BadInputError, NotFoundError)


class KadoMutationOptions(MutationOptions):
    permission = None
    error_fields = None


class KadoMutation(graphene.Mutation):
    class Meta:
        abstract = True

    errors = graphene.List(
        graphene.NonNull(ErrorType),
        required=True,
        description="Why the input was refused; empty on success.",
    )

    @classmethod
    def __init_subclass_with_meta__(
        cls, permission=None, error_fields=None, name=None, _meta=None, **options
    ):
        if permission is None:
            raise TypeError(
                f"{cls.__name__} must declare Meta.permission (a Perm, or PUBLIC on purpose)."
            )
        if hasattr(cls, "Arguments"):
            raise TypeError(f"{cls.__name__}: declare `class Input`, not `class Arguments`.")
        if cls.perform.__func__ is KadoMutation.perform.__func__:
            raise TypeError(f"{cls.__name__} must define `perform(cls, root, info, **data)`.")
        input_class = getattr(cls, "Input", None)
        arguments = {}
        if input_class is not None:
            input_fields = yank_fields_from_attrs(props(input_class), _as=graphene.InputField)
            input_type = type(
                f"{cls.__name__}Input",
                (graphene.InputObjectType,),
                {**input_fields, "Meta": type("Meta", (), {"description": input_class.__doc__})},
            )
            arguments = {"input": input_type(required=True)}
        for service_field, renamed in (error_fields or {}).items():
            if service_field.count("*") != renamed.count("*"):
                raise TypeError(
                    f"{cls.__name__}.Meta.error_fields: {service_field!r} and {renamed!r} "
                    "must have the same number of `*` (each stands for one index)."
                )
        _meta = _meta or KadoMutationOptions(cls)
        _meta.permission = permission
        _meta.error_fields = dict(error_fields or {})
        super().__init_subclass_with_meta__(
            name=name or f"{cls.__name__}Payload",
            arguments=arguments or None,
            _meta=_meta,
            **options,
        )

    @classmethod
    def perform(cls, root, info, **data):
        """Do the work through a service and return `cls(<payload fields>)`."""
        raise NotImplementedError

    @classmethod
    def mutate(cls, root, info, **arguments):
        request = info.context
        try:
            require(request, cls._meta.permission)
        except Exception:
            mark_failed(request)
            raise
        try:
            payload = cls.perform(root, info, **dict(arguments.get("input") or {}))
        except EXPECTED as exception:
            mark_failed(request)
            return cls(errors=errors_from(exception, cls._meta.error_fields))
        except Exception:
            mark_failed(request)
            raise
        finally:
            # A write may change what the user may do: what follows is decided again.
            decided_fields(request).clear()
        if payload is None:
            payload = cls()
        if getattr(payload, "errors", None) is None:
            payload.errors = []
        if payload.errors:
            mark_failed(request)
        return payload
