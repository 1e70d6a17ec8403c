"""Lists of rows edited on one page (partners, linked projects, questions, criteria, reminder
rules): how many forms a formset may build, and the typed changes a service receives.

A formset is the page's business: it reads and checks what was posted, then hands the service
a `RowChanges` of plain dataclasses, so that a simulation or an API changes rows with the same
service, and the service checks every rule again whoever calls it.
"""

import copy
import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

Row = TypeVar("Row")


@dataclass(frozen=True)
class RowChanges(Generic[Row]):
    """What a list of rows becomes: rows added, rows changed (by id), rows removed (ids).

    Rows neither changed nor removed stay as they are.
    """

    added: tuple[Row, ...] = ()
    changed: Mapping[int, Row] = field(default_factory=dict)
    removed: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class CappedFormSetMixin:
    """A formset that builds at most `get_max_forms()` forms, whatever TOTAL_FORMS claims.

    Django builds min(TOTAL_FORMS, absolute_max) forms, and absolute_max defaults to max_num
    plus 1,000: a posted TOTAL_FORMS of 99999999 builds a thousand forms or more and keeps a
    worker busy for seconds. Here max_num and absolute_max are both the cap and validate_max is
    on, so a request beyond it builds no more forms than the cap and is answered with
    `too_many_forms`, which each formset words for its rows.
    """

    max_forms: int = 0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The forms are built lazily, after this: the cap applies to the first of them.
        self.max_num = self.absolute_max = self.get_max_forms()
        self.validate_max = True

    def get_max_forms(self) -> int:
        return self.max_forms


def row_changes(formset: Any, to_row: Callable[[dict[str, Any]], Row]) -> RowChanges[Row]:
    """The changes a valid model formset asks for, each row made by `to_row(cleaned_data)`.

    Nothing is written: unchanged forms are left out, deleted forms give their ids, and a form
    claiming a row the formset does not hold is left out.
    """
    added: list[Row] = []
    changed: dict[int, Row] = {}
    removed: set[int] = set()
    deleted = set(map(id, formset.deleted_forms))
    initial = set(map(id, formset.initial_forms))
    for form in formset.forms:
        pk = form.instance.pk
        if id(form) in initial and pk is None:
            # A row posted with an id the formset's rows do not have (another entry's, say):
            # left out, as Django's own formset saving leaves it.
            continue
        if id(form) in deleted:
            if pk is not None:
                removed.add(pk)
        elif form.has_changed():
            if pk is not None:
                changed[pk] = to_row(form.cleaned_data)
            else:
                added.append(to_row(form.cleaned_data))
    return RowChanges(added=tuple(added), changed=changed, removed=frozenset(removed))


def prepare_rows(
    changes: RowChanges[Any],
    *,
    existing: QuerySet[Any],
    new: Callable[[], Model],
    limit: int,
    too_many: Any,
    refusal: type[Exception],
    exclude: Iterable[str] = (),
) -> list[tuple[Any, Any]]:
    """The rows `changes` asks for, filled in and checked, before anything is written.

    Returns (row to save, a copy of it as stored, or None for a new row) for every changed and
    added row. Raises `refusal` when a changed or removed id is not one of `existing`, when
    more than `limit` rows would be left (`too_many`, worded with %(num)d), or when a row
    breaks its model's rules (`full_clean`, and no NUL byte in its text, which PostgreSQL
    cannot store); the message names the row. `exclude` are fields the caller sets itself.
    """
    current = {row.pk: row for row in existing}
    strangers = (set(changes.changed) | set(changes.removed)) - set(current)
    if strangers:
        raise refusal(
            _("Row %(id)s is not one of these, so nothing was changed.") % {"id": min(strangers)}
        )
    if len(current) - len(changes.removed) + len(changes.added) > limit:
        raise refusal(too_many % {"num": limit})
    rows: list[tuple[Any, Any]] = []
    for pk, values in changes.changed.items():
        if pk not in changes.removed:
            stored = copy.copy(current[pk])
            rows.append((_filled(current[pk], values), stored))
    rows += [(_filled(new(), values), None) for values in changes.added]
    for row, _stored in rows:
        _check(row, refusal, exclude=list(exclude))
    return rows


def _filled(row: Any, values: Any) -> Any:
    for name, value in dataclasses.asdict(values).items():
        setattr(row, name, value)
    return row


def _check(row: Any, refusal: type[Exception], *, exclude: list[str]) -> None:
    try:
        for value in vars(row).values():
            if isinstance(value, str):
                ProhibitNullCharactersValidator()(value)
        row.full_clean(exclude=exclude)
    except ValidationError as error:
        raise refusal(
            _("“%(row)s”: %(problem)s") % {"row": row, "problem": " ".join(error.messages)}
        ) from error
