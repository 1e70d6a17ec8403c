"""The outbox's contexts in the tagged form of notifications.context.

Rows written before were JSON from DjangoJSONEncoder: a datetime became an ISO string, and
delivery turned back into a datetime every string that looked like one, a title included. Here
only the values that were datetimes when written become tagged datetimes. They are recognised
by where they sit, not by how they look: the keys under which callers have ever passed a time
(the same keys the mail templates format with |date, then and now) and a string in the form
DjangoJSONEncoder writes. Every other string, whatever it looks like, stays text. A dict of the
caller's with a "__type__" key is wrapped, as encode() does. The tagged form is written out
here rather than imported, so that this migration keeps meaning what it meant.
"""

import datetime
import re

from django.db import migrations, models

TAG = "__type__"
VALUE = "value"
TIME_KEYS = {
    "submitted_at",
    "submission_deadline",
    "clarification_deadline",
    "scoring_opens",
    "scoring_deadline",
    "until",
}
# What DjangoJSONEncoder writes for an aware datetime: milliseconds at most, UTC as "Z".
ENCODED_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})")
BATCH = 500


def _time(value: str):
    if not ENCODED_DATETIME.fullmatch(value):
        return value
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return value
    return {TAG: "datetime", VALUE: moment.isoformat()}


def tagged(value):
    """An old row's context (or part of it) in the tagged form."""
    if isinstance(value, list):
        return [tagged(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted = {
        key: _time(item) if key in TIME_KEYS and isinstance(item, str) else tagged(item)
        for key, item in value.items()
    }
    return {TAG: "dict", VALUE: converted} if TAG in value else converted


def untagged(value):
    """The reverse: tagged values back into the strings DjangoJSONEncoder would write."""
    if isinstance(value, list):
        return [untagged(item) for item in value]
    if not isinstance(value, dict):
        return value
    if TAG not in value:
        return {key: untagged(item) for key, item in value.items()}
    if value[TAG] == "dict":
        return {key: untagged(item) for key, item in value[VALUE].items()}
    if value[TAG] == "datetime":
        moment = datetime.datetime.fromisoformat(value[VALUE])
        text = moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds")
        return text.removesuffix("+00:00") + ("Z" if text.endswith("+00:00") else "")
    return value[VALUE]  # a date or a Decimal, which DjangoJSONEncoder wrote as text


def _rewrite(apps, convert):
    Notification = apps.get_model("notifications", "Notification")
    changed = []
    for notification in Notification.objects.only("pk", "context").iterator(chunk_size=BATCH):
        context = convert(notification.context)
        if context != notification.context:
            notification.context = context
            changed.append(notification)
        if len(changed) == BATCH:
            Notification.objects.bulk_update(changed, ["context"])
            changed = []
    Notification.objects.bulk_update(changed, ["context"])


def forwards(apps, schema_editor):
    _rewrite(apps, tagged)


def backwards(apps, schema_editor):
    _rewrite(apps, untagged)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_outbox"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="context",
            field=models.JSONField(default=dict, verbose_name="context"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
