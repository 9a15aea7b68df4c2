"""Seed the default sharing rulebook (version 1). Existing rules (by code) are left alone."""

from django.db import migrations


def seed(apps, schema_editor):
    from coupons.sharing.rulebook import seed_default_rules

    seed_default_rules(apps.get_model("coupons", "SharingRule"), apps.get_model("coupons", "RulebookVersion"))


class Migration(migrations.Migration):
    dependencies = [("coupons", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
