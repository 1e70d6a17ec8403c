"""The jury's certificates: asked of awards.certificates when the results are published, one
per prize or finalist's place, and one thanking each member of the jury."""

import datetime

from django.utils import translation
from django.utils.translation import gettext as _

from awards.certificates import entry_recipients, request_certificate
from awards.models import Certificate, Edition

from .models import Prize

KIND_OF_PRIZE = {
    Prize.Kind.FIRST: Certificate.Kind.PRIZE,
    Prize.Kind.SECOND: Certificate.Kind.PRIZE,
    Prize.Kind.THIRD: Certificate.Kind.PRIZE,
    Prize.Kind.SPECIAL: Certificate.Kind.SPECIAL_PRIZE,
    Prize.Kind.FINALIST: Certificate.Kind.FINALIST,
}


def request_certificates(*, edition: Edition, now: datetime.datetime, **kwargs: object) -> int:
    """Every certificate of the edition's decision and jury, asked for in the transaction that
    publishes the results (the answer to awards.signals.results_published). Returns how many
    were asked for; asking twice makes none twice."""
    asked = 0
    prizes = (
        Prize.objects.filter(edition=edition, confirmed_at__isnull=False)
        .select_related("entry__organisation")
        .order_by("pk")
    )
    for prize in prizes:
        language = prize.entry.language
        with translation.override(language):
            name = prize.name if prize.kind == Prize.Kind.SPECIAL else str(prize.get_kind_display())
        request_certificate(
            edition=edition,
            kind=KIND_OF_PRIZE[Prize.Kind(prize.kind)],
            source=f"prize:{prize.pk}",
            entry=prize.entry,
            prize_name=name,
            citation=prize.citation,
            recipients=entry_recipients(prize.entry),
            language=language,
            now=now,
        )
        asked += 1
    members = edition.jury_members.filter(accepted_at__isnull=False).select_related("user")
    for member in members.order_by("pk"):
        language = member.user.preferred_language
        with translation.override(language):
            role = _("Chair of the jury") if member.is_chair else _("Member of the jury")
        request_certificate(
            edition=edition,
            kind=Certificate.Kind.JURY_THANKS,
            source=f"juror:{member.pk}",
            person=member.user,
            prize_name=str(role),
            recipients=[
                {
                    "name": member.user.full_name,
                    "country": "",
                    "role": "chair" if member.is_chair else "juror",
                }
            ],
            language=language,
            now=now,
        )
        asked += 1
    return asked
