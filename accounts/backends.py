"""Django's model permissions, asked only about permissions a model declares."""

import functools

from django.apps import apps
from django.contrib.auth.backends import ModelBackend


class ModelPermissionBackend(ModelBackend):
    """ModelBackend, which answers a permission from the Permission rows granted to the person
    and their groups, but only for a permission that has such rows: one of a model's default
    permissions or its Meta.permissions. The project's own (awards.manage_editions and the
    others of the apps' rules.py) exist only as rules, which the rules backend before this one
    answers; asking the database about them as well took two queries on every page a juror or
    an applicant opened (the navigation asks whether they manage the editions)."""

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        if perm not in model_permissions():
            return False
        return super().has_perm(user_obj, perm, obj)


@functools.cache
def model_permissions() -> frozenset[str]:
    """Every "app_label.codename" that a Permission row can exist for."""
    names = set()
    for model in apps.get_models():
        meta = model._meta
        names.update(
            f"{meta.app_label}.{action}_{meta.model_name}" for action in meta.default_permissions
        )
        names.update(f"{meta.app_label}.{codename}" for codename, _name in meta.permissions)
    return frozenset(names)


# The backend a session opened without a password check (a link confirmed, an invitation
# accepted) is said to be signed in by: the one that checks passwords.
SIGN_IN_BACKEND = "accounts.backends.ModelPermissionBackend"
