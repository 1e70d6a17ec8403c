"""An edition in deliberation whose jury has scored every entry: for the pages and browser
tests of the ranking, the shortlist, the board and the prizes."""

import datetime
from decimal import Decimal

from django.utils import timezone

from awards.models import Entry
from jury.models import Assignment, Criterion, CriterionScore, Evaluation

from . import EditionFactory, EntryFactory, JuryMemberFactory, SecretariatFactory

DAY = datetime.timedelta(days=1)


def evaluate(member, entry, values, *, comment=""):
    assignment = Assignment.objects.create(member=member, entry=entry)
    evaluation = Evaluation.objects.create(
        assignment=assignment, status="submitted", submitted_at=timezone.now(), comment=comment
    )
    for criterion, value in zip(member.edition.criteria.order_by("position"), values, strict=True):
        CriterionScore.objects.create(
            evaluation=evaluation, criterion=criterion, value=Decimal(value)
        )
    return evaluation


class Scored:
    """An edition in deliberation whose three jurors scored every entry on one criterion."""

    def __init__(self, entries=4, titles=None):
        now = timezone.now()
        self.edition = EditionFactory(
            phase="deliberation",
            call_opens=now - 90 * DAY,
            submission_deadline=now - 60 * DAY,
            clarification_deadline=now - 50 * DAY,
            scoring_opens=now - 40 * DAY,
            scoring_deadline=now - 10 * DAY,
            deliberation_at=now - 5 * DAY,
            announcement_at=now + 5 * DAY,
            shortlist_size=2,
        )
        Criterion.objects.filter(edition=self.edition).delete()
        Criterion.objects.create(edition=self.edition, position=1, name="Impact")
        self.secretariat = SecretariatFactory()
        self.chair = JuryMemberFactory(edition=self.edition, is_chair=True, user__full_name="Cha")
        self.jurors = [self.chair] + [
            JuryMemberFactory(edition=self.edition, user__full_name=f"Juror {n}") for n in (1, 2)
        ]
        self.entries = []
        for number in range(entries):
            title = titles[number] if titles else f"Partnership {number}"
            entry = EntryFactory(edition=self.edition, title=title)
            Entry.objects.filter(pk=entry.pk).update(state="in_review")
            self.entries.append(entry)
            for offset, juror in enumerate(self.jurors):
                evaluate(juror, entry, [str(min(10, number * 2 + offset))], comment="Solid.")
