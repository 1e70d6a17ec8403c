"""Model permissions are read from the database only for permissions a model declares; the
project's own permissions are rules, answered without it."""

import importlib

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import SIGN_IN_BACKEND, ModelPermissionBackend, model_permissions
from tests.factories import SecretariatFactory, UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("accounts.migrations.0005_sessions_of_the_permission_backend")


def test_a_rule_is_answered_without_reading_model_permissions():
    juror = UserFactory()

    with CaptureQueriesContext(connection) as captured:
        assert not juror.has_perm("awards.manage_editions")

    assert not [q for q in captured.captured_queries if "auth_permission" in q["sql"]]
    assert SecretariatFactory().has_perm("awards.manage_editions")


def test_a_model_permission_granted_by_a_group_still_counts():
    user = UserFactory()
    group = Group.objects.create(name="Editors of organisations")
    group.permissions.add(Permission.objects.get(codename="change_organisation"))
    user.groups.add(group)

    assert user.has_perm("awards.change_organisation")
    assert not user.has_perm("awards.delete_organisation")
    assert ModelPermissionBackend().has_perm(user, "awards.change_organisation")


def test_the_permissions_a_model_declares_are_those_with_rows():
    rows = {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }

    assert model_permissions() == rows


def test_open_sessions_of_the_former_backend_are_kept_signed_in(client):
    user = UserFactory()
    store = SessionStore()
    store.update(
        {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
    )
    store.create()
    client.cookies["sessionid"] = store.session_key
    assert client.get("/dashboard/").status_code == 302  # signed out: the backend is unknown

    from django.apps import apps

    migration.forwards(apps, None)

    data = SessionStore(session_key=store.session_key).load()
    assert data[BACKEND_SESSION_KEY] == SIGN_IN_BACKEND
    assert client.get("/dashboard/").status_code == 200
    migration.backwards(apps, None)
    assert Session.objects.get().get_decoded()[BACKEND_SESSION_KEY] == (
        "django.contrib.auth.backends.ModelBackend"
    )
