from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.utils import get_public_schema_name

from kado_platform.regions.services import region_template_ensure


class Command(MigrateSchemasCommand):
    """django-tenants' migrate_schemas, which also keeps the region template schema current.

    New regions are cloned from the template, so it must carry every region migration.
    """

    def handle(self, *args, **options):
        super().handle(*args, **options)
        every_region = self.schema_name in (None, "", get_public_schema_name())
        if self.sync_tenant and every_region:
            region_template_ensure(verbosity=max(int(options.get("verbosity", 1)) - 1, 0))
