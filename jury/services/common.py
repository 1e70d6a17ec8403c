"""What the jury's services share."""

from awards.models import Edition
from core.refusals import Refused

from ..models import JurySettings


class JuryRefused(Refused):
    """A jury change that cannot be made; the message is for the person who asked."""


def lock_edition(edition_id: int) -> Edition:
    """Lock the edition's row for the rest of the transaction: the jury's changes to
    assignments and conflicts of one edition happen one after the other, never interleaved."""
    return Edition.objects.select_for_update().get(pk=edition_id)


def settings_for(edition: Edition) -> JurySettings:
    """The edition's jury settings (the defaults saved the first time)."""
    return JurySettings.objects.get_or_create(edition=edition)[0]
