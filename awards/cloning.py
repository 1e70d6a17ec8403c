"""Copying an edition's parts into its clone: every field is copied unless it is named, with the
reason, as one that is not.

A field added to a model later is therefore carried over by default, and one that must not be
is declared beside the others; tests/awards/test_cloning.py checks that every field of every
cloned model is one or the other, so nothing is dropped silently.
"""

from collections.abc import Iterable, Mapping
from typing import TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def field_names(model: type[models.Model]) -> list[str]:
    """Every stored field of `model` but its primary key, in declaration order."""
    return [field.name for field in model._meta.concrete_fields if not field.primary_key]


def copied_fields(model: type[models.Model], not_copied: Mapping[str, str]) -> list[str]:
    """The fields of `model` a clone takes over: all but those in `not_copied` (name: why)."""
    names = field_names(model)
    stale = sorted(set(not_copied) - set(names))
    if stale:
        raise LookupError(f"{model.__name__} has no field {', '.join(stale)}")
    return [name for name in names if name not in not_copied]


def copy_rows(
    model: type[M], rows: Iterable[M], *, not_copied: Mapping[str, str], **changes: object
) -> list[M]:
    """Saved copies of `rows`, with `changes` (the new edition, say) set on each and every
    field but those in `not_copied` (name: why) and `changes` taken from the original."""
    fields = set(copied_fields(model, {**not_copied, **dict.fromkeys(changes, "given")}))
    # A relation is copied by its id (`user_id`), without reading the related row.
    attnames = [field.attname for field in model._meta.concrete_fields if field.name in fields]
    copies = [model(**{name: getattr(row, name) for name in attnames}, **changes) for row in rows]
    return model._default_manager.bulk_create(copies)
