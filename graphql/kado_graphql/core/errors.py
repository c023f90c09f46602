from graphql import GraphQLError


class PermissionDeniedError(GraphQLError):
    def __init__(self, message="You do not have permission to do this."):
        super().__init__(message, extensions={"code": "permission_denied"})


class NotFoundError(GraphQLError):
    def __init__(self, message="Not found."):
        super().__init__(message, extensions={"code": "not_found"})


class BadInputError(GraphQLError):
    def __init__(self, message, field=None):
        extensions = {"code": "bad_input"}
        if field:
            extensions["field"] = field
        super().__init__(message, extensions=extensions)
