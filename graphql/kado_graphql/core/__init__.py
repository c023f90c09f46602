"""The GraphQL layer's base classes and helpers; domain packages build on these.

- KadoObjectType (Meta.permission required), PUBLIC
- KadoMutation (Meta.permission required, `class Input`, `perform`), ErrorType
- KadoConnection, KadoConnectionField, paginate, encode_cursor/decode_cursor
- GlobalIDField, to_global_id, resolve_global_id, decode_global_id, parse_global_id
- PermissionDeniedError, NotFoundError, BadInputError
"""
