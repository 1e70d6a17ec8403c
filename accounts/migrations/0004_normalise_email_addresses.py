"""Store every address as `accounts.addresses.normalise_email` spells it.

Sign-in now finds an account by an exact match on that spelling, so an address stored in
another one could no longer sign in. Two accounts whose addresses become one are not merged:
the migration stops and names them, for the secretariat to decide which one stays.
"""

from collections import defaultdict

from django.db import migrations

from accounts.addresses import normalise_email


class AddressCollision(Exception):
    pass


def normalise_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    spellings = defaultdict(list)
    for pk, email in User.objects.order_by("pk").values_list("pk", "email"):
        spellings[normalise_email(email)].append((pk, email))
    collisions = {address: rows for address, rows in spellings.items() if len(rows) > 1}
    if collisions:
        raise AddressCollision(
            "These accounts share an address once it is normalised; give all but one of each "
            "group another address (or delete it), then migrate again:\n"
            + "\n".join(
                f"  {address}: " + ", ".join(f"#{pk} {email!r}" for pk, email in rows)
                for address, rows in sorted(collisions.items())
            )
        )
    for address, [(pk, email)] in spellings.items():
        if address != email:
            User.objects.filter(pk=pk).update(email=address)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_email_verified_at")]

    operations = [migrations.RunPython(normalise_addresses, migrations.RunPython.noop)]
