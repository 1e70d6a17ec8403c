"""What each move of an entry tells people, queued in the outbox inside the move's transaction.

A message written after the commit is lost when the process dies in between; written here, it
commits with the move or not at all, and the outbox delivers it (or its sweeper, later). The
jury's decisions (shortlist, prizes) tell nobody: they stay secret until the results are
published.
"""

from collections.abc import Callable

from accounts.models import SECRETARIAT_GROUP, User
from accounts.services import notify_user
from notifications.kinds import Kind

from ..models import EntryTransition
from ..notices import approved_members, entry_context, notify_members
from .partners import ask_partners


def send_submission_receipt(step: EntryTransition, by: User | None) -> None:
    """Every member of the lead organisation gets the receipt with the reference number."""
    entry = step.entry
    notify_members(
        entry.organisation,
        Kind.ENTRY_SUBMITTED,
        context={"entry": entry_context(entry)},
        key=f"entry-submitted:{entry.pk}",
    )


def ask_remaining_partners(step: EntryTransition, by: User | None) -> None:
    """Partners not yet asked get their confirmation link with the submission."""
    if by is not None:
        ask_partners(entry=step.entry, by=by, now=step.at)


def tell_applicants(step: EntryTransition, by: User | None) -> None:
    """The secretariat's question or eligibility decision, with its note, to the applicants."""
    kind = (
        Kind.CLARIFICATION_REQUESTED
        if step.transition == "request_clarification"
        else Kind.ELIGIBILITY_DECIDED
    )
    entry = step.entry
    notify_members(
        entry.organisation,
        kind,
        context={"entry": entry_context(entry), "note": step.note},
        key=f"{kind.value}:{step.pk}",
    )


def tell_of_withdrawal(step: EntryTransition, by: User | None) -> None:
    """The organisation's members and the secretariat hear of a withdrawal, with the reason."""
    entry = step.entry
    recipients = {*approved_members(entry.organisation)}
    recipients |= set(User.objects.filter(groups__name=SECRETARIAT_GROUP, is_active=True))
    for recipient in sorted(recipients, key=lambda user: user.pk):
        notify_user(
            Kind.ENTRY_WITHDRAWN,
            user=recipient,
            context={"entry": entry_context(entry), "by": str(by) if by else "", "note": step.note},
            key=f"entry-withdrawn:{entry.pk}:{recipient.pk}",
        )


# What each transition sends, in order; a transition not named here sends nothing.
SENT_BY_TRANSITION: dict[str, tuple[Callable[[EntryTransition, User | None], None], ...]] = {
    "submit": (send_submission_receipt, ask_remaining_partners),
    "resubmit": (ask_remaining_partners,),
    "request_clarification": (tell_applicants,),
    "mark_eligible": (tell_applicants,),
    "mark_ineligible": (tell_applicants,),
    "withdraw": (tell_of_withdrawal,),
}


def announce(step: EntryTransition, *, by: User | None) -> None:
    """Queue the messages of one move (`step`, just logged) in the caller's transaction."""
    for send in SENT_BY_TRANSITION.get(step.transition, ()):
        send(step, by)
