"""The eligibility checklist: what the system can tell from an entry, item by item."""

from dataclasses import dataclass

from .models import EligibilityAnswer, EligibilityCriterion, Entry, Organisation, Partner

# The programme is open to local and regional governments of the 27 EU member states.
# fmt: off
EU_27 = frozenset({
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
})
# fmt: on
LEAD_KINDS = frozenset(
    {Organisation.Kind.MUNICIPALITY, Organisation.Kind.REGION, Organisation.Kind.ASSOCIATION}
)

Rule = EligibilityCriterion.Rule


def computed_answer(rule: str, entry: Entry) -> bool | None:
    """The answer the entry's data gives for `rule`; None when the data cannot tell.

    Reads prefetched relations only (partners, projects, sdgs) and the entry's organisation.
    """
    if rule == Rule.LEAD_EU:
        lead = entry.organisation
        return lead.country.code in EU_27 and lead.kind in LEAD_KINDS
    if rule == Rule.PARTNER_COUNTRY:
        return any(p.country.code not in EU_27 for p in entry.partners.all())
    if rule == Rule.PARTNERS_CONFIRMED:
        partners = entry.partners.all()
        return bool(partners) and all(p.status == Partner.Status.CONFIRMED for p in partners)
    if rule == Rule.PROJECT_WINDOW:
        # Without a window set on the edition, any linked project will do.
        since = entry.edition.projects_since
        return any(
            p.end_year is None or since is None or p.end_year >= since.year
            for p in entry.projects.all()
        )
    if rule == Rule.HAS_SDG:
        return bool(entry.sdgs.all())
    return None


@dataclass(frozen=True)
class ChecklistRow:
    criterion: EligibilityCriterion
    answer: bool | None  # what counts: the secretariat's answer, else the computed one
    computed: bool | None
    answered: EligibilityAnswer | None

    @property
    def is_computed_only(self) -> bool:
        return self.answered is None and self.computed is not None


def checklist(entry: Entry) -> list[ChecklistRow]:
    answers = {a.criterion_id: a for a in entry.eligibility_answers.all()}
    rows = []
    for criterion in entry.edition.eligibility_criteria.all():
        computed = computed_answer(criterion.rule, entry) if criterion.rule else None
        answered = answers.get(criterion.pk)
        answer = answered.answer if answered is not None else computed
        rows.append(ChecklistRow(criterion, answer, computed, answered))
    return rows
