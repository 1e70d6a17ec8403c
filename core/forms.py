"""What every app's forms share: dates bounded to years that convert safely, and forms that
change only the fields a request carries.

Python and PostgreSQL both stop at years 1 and 9999, so a date typed as 0001-01-01 in Tokyo
or 9999-12-31 in Bogotá falls outside them once converted to UTC: an OverflowError or a
database error, where the person should read a message. No date of the programme lies
anywhere near either end, so these fields refuse years outside MIN_YEAR..MAX_YEAR.
"""

import datetime
import zoneinfo
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone as django_timezone
from django.utils.translation import gettext_lazy as _

from .parsing import parse_id

MIN_YEAR = 1900
MAX_YEAR = 2200


YEAR_OUT_OF_RANGE: dict[str, Any] = {
    "year_out_of_range": _("Enter a date between the years %(min)s and %(max)s."),
}

D = TypeVar("D", datetime.date, datetime.datetime)


def _within_years(field: forms.Field, result: D | None) -> D | None:
    if result is not None and not MIN_YEAR <= result.year <= MAX_YEAR:
        raise ValidationError(
            field.error_messages["year_out_of_range"],
            code="year_out_of_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR},
        )
    return result


class BoundedDateTimeField(forms.DateTimeField):
    """A date and time whose year lies between MIN_YEAR and MAX_YEAR."""

    default_error_messages = dict(YEAR_OUT_OF_RANGE)

    def to_python(self, value: Any) -> datetime.datetime | None:
        return _within_years(self, super().to_python(value))


class ZonedForm(forms.Form):
    """A form whose dates and times are typed in a given time zone (an edition's)."""

    def __init__(self, *args: Any, timezone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(timezone)

    def full_clean(self) -> None:
        # The browser sends a wall-clock time; Django reads it in the current zone, which is
        # made the form's (a time that does not exist there is refused, not shifted).
        with django_timezone.override(self.zone):
            super().full_clean()


class BoundedDateField(forms.DateField):
    """A date whose year lies between MIN_YEAR and MAX_YEAR."""

    default_error_messages = dict(YEAR_OUT_OF_RANGE)

    def to_python(self, value: Any) -> datetime.date | None:
        return _within_years(self, super().to_python(value))


class ModelIdsField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id whose values are read as ids (core.parsing) before any
    is looked up: "²", "-1" or an id past the database's integer range is refused like any
    unknown choice, where SQLite would raise OverflowError on the lookup."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if parse_id(str(pk)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]  # absent from the stubs


# The name under which a page lists the check boxes it shows, so that a form can tell "none
# ticked" (the box was there, nothing is sent) from "not on this page".
CARRIED = "carried"


if TYPE_CHECKING:
    # What the mixin is mixed into, for the type checker; at run time it stands alone.
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class PartialFormMixin(_FormBase):
    """A form that, bound with `partial=True`, keeps only the fields the request carries.

    An autosave posts what the page holds at that moment, and a request that lacks a field
    must leave it as it is, not blank it. A text field is carried when its name is in the data;
    check boxes, which send nothing when none is ticked, when the page lists them under
    CARRIED. `cleaned_data` then holds only what was carried.
    """

    def __init__(self, *args: Any, partial: bool = False, **kwargs: Any) -> None:
        self.partial = partial
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        # Pruned here rather than in __init__, after whatever the form's own __init__ set up.
        if self.partial and self.is_bound:
            data = self.data
            listed = set(data.getlist(CARRIED)) if hasattr(data, "getlist") else set()
            for name in list(self.fields):
                if self.add_prefix(name) not in data and name not in listed:
                    del self.fields[name]
        super().full_clean()
