from django.db import migrations


def create_goals(apps, schema_editor):
    goal = apps.get_model("awards", "SustainableDevelopmentGoal")
    goal.objects.bulk_create([goal(number=n) for n in range(1, 18)], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_entries")]

    operations = [migrations.RunPython(create_goals, migrations.RunPython.noop)]
