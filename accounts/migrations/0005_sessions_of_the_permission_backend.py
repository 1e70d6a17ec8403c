"""The sessions signed in through Django's ModelBackend name it as the backend that signed the
person in; the site now signs in through accounts.backends.ModelPermissionBackend, and Django
ends a session whose backend is no longer configured. Each open session is given the new name,
so that nobody is signed out by the change."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import migrations

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "accounts.backends.ModelPermissionBackend"


def rename(apps, schema_editor, before: str, after: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    Session = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)  # {} when it cannot be read
        if data.get(BACKEND_SESSION_KEY) == before:
            data[BACKEND_SESSION_KEY] = after
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor) -> None:
    rename(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_normalise_email_addresses"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
