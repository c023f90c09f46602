from django.db import migrations

from kado_platform.federation.sql import DROP_FUNCTIONS, FUNCTIONS


class Migration(migrations.Migration):
    dependencies = [
        ("federation", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, reverse_sql=DROP_FUNCTIONS),
    ]
