from django.db import migrations, models


class Migration(migrations.Migration):
    """Two more ends of the journey: other social participation (an outcome, like
    employment) and leaving KADO (退会). Choices only: the columns stay as they are."""

    dependencies = [
        ("workforce", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="worker",
            name="status",
            field=models.CharField(
                choices=[
                    ("applicant", "Applicant"),
                    ("training", "In training"),
                    ("active", "Active"),
                    ("employed", "Moved to employment"),
                    ("social_participation", "Other social participation"),
                    ("returned", "Returned"),
                    ("left", "Left"),
                ],
                default="applicant",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="workerstatuschange",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("applicant", "Applicant"),
                    ("training", "In training"),
                    ("active", "Active"),
                    ("employed", "Moved to employment"),
                    ("social_participation", "Other social participation"),
                    ("returned", "Returned"),
                    ("left", "Left"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="workerstatuschange",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("applicant", "Applicant"),
                    ("training", "In training"),
                    ("active", "Active"),
                    ("employed", "Moved to employment"),
                    ("social_participation", "Other social participation"),
                    ("returned", "Returned"),
                    ("left", "Left"),
                ],
                max_length=20,
            ),
        ),
    ]
