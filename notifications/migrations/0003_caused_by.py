"""Who caused a message, as a column the limits on mail count by (it was read from a key of
the JSON context, which no index serves). Rows written before get it from the context entry
their kind put the sender under; the kinds and keys are written out here so that this
migration keeps meaning what it meant."""

from django.db import migrations, models

# kind: the context entry (a person's primitive values) naming who sent it
SENDER_KEYS = {
    "entry.partner_confirmation": "asked_by",
    "organisation.colleague_invited": "inviter",
    "jury.invitation": "invited_by",
}
BATCH = 500


def fill_caused_by(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for kind, key in SENDER_KEYS.items():
        rows = Notification.objects.filter(kind=kind, caused_by="").only("pk", "context")
        changed = []
        for row in rows.iterator(chunk_size=BATCH):
            sender = row.context.get(key) if isinstance(row.context, dict) else None
            email = sender.get("email") if isinstance(sender, dict) else None
            if isinstance(email, str) and email:
                row.caused_by = email[:254]
                changed.append(row)
            if len(changed) >= BATCH:
                Notification.objects.bulk_update(changed, ["caused_by"])
                changed = []
        Notification.objects.bulk_update(changed, ["caused_by"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_context_tagged_values"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="caused_by",
            field=models.EmailField(blank=True, max_length=254, verbose_name="caused by"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(fields=["kind", "caused_by", "created_at"], name="outbox_caused_by"),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                fields=["kind", "recipient_email", "created_at"], name="outbox_recipient"
            ),
        ),
        migrations.RunPython(fill_caused_by, migrations.RunPython.noop),
    ]
