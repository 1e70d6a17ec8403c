"""What the awards app tells other apps, as Django signals sent inside the transaction of the
change (so a receiver's writes commit, or roll back, with it).

The jury app connects to them in its AppConfig.ready(); awards imports nothing of it.
"""

from django.dispatch import Signal

# A new edition was created; kwargs: edition, by.
edition_created = Signal()
# `edition` was prepared from `source` (its questions, checklist and reminders copied);
# kwargs: source, edition, by.
edition_cloned = Signal()
# `user` now acts for `organisation` (created it, was approved, accepted an invitation);
# kwargs: organisation, user.
member_joined = Signal()
# The edition's results were published; kwargs: edition, by, now. The jury asks for the
# certificates of its prizes and of its members here (awards.certificates.request_certificate).
results_published = Signal()
