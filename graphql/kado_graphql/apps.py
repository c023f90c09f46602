from django.apps import AppConfig


class KadoGraphQLConfig(AppConfig):
    name = "kado_graphql"
    label = "kado_graphql"
    verbose_name = "GraphQL"
