"""Writes of the jury app."""

from awards.models import Edition

from .models import JuryMember


def carry_over_jury_pool(source: Edition, target: Edition) -> None:
    """A cloned edition starts with the previous jury as its pool, each member to be invited
    again (nobody sits on a jury without accepting it for that edition)."""
    JuryMember.objects.bulk_create(
        [
            JuryMember(
                edition=target,
                user_id=member.user_id,
                is_chair=member.is_chair,
                country=member.country,
                organisation=member.organisation,
            )
            for member in source.jury_members.all()
        ],
        ignore_conflicts=True,
    )
