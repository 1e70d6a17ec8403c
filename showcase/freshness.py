"""What else makes the public pages stale, besides a publication.

Every public page, its cache key, its ETag and its Last-Modified read one moment: the newest
`published_at` or `updated_at` of a public entry (`selectors.last_change`), kept in a shared
cache by showcase.cache. A save of a public entry moves it, and tells the cache once the save
commits. What the pages show of other rows — an edition's title or theme, a prize's citation,
a partner, a linked project, a file marked public, the lead's name, the jury — is saved without
the entry: each of those saves moves the `updated_at` of the public entries it shows on, in
the same transaction, and tells the cache the same way, so that the correction is shown at
once and announced to browsers and feed readers as a change. A save of a row that is not
public (a draft's partner, say) updates no row and tells nothing.
"""

from django.contrib.auth import get_user_model
from django.db.models import Model, Q
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from awards.models import Attachment, Edition, Entry, LinkedProject, Organisation, Partner
from awards.workflow import ANNOUNCED_PHASES
from jury.models import JuryMember, Prize

from .cache import forget_on_commit

# For each model, the entries a row of it is shown with.
SHOWN_WITH = {
    Edition: lambda row: Q(edition=row.pk),
    Prize: lambda row: Q(edition=row.edition_id),  # on the results and the winner's page
    JuryMember: lambda row: Q(edition=row.edition_id),  # on the results
    Partner: lambda row: Q(pk=row.entry_id),
    LinkedProject: lambda row: Q(pk=row.entry_id),
    Attachment: lambda row: Q(pk=row.entry_id),
    Organisation: lambda row: Q(organisation=row.pk),
}

# A row of these, just made, is shown with no entry yet: an edition or an organisation has
# none until after it exists.
SHOWN_WITH_NONE_WHEN_NEW = (Edition, Organisation)


def touch(shown_with: Q) -> None:
    """Mark the public entries matching `shown_with` as changed now."""
    moved = Entry.objects.filter(shown_with, published_at__isnull=False).update(
        updated_at=timezone.now()
    )
    if moved:
        forget_on_commit()


def _changed(sender: type[Model], instance: Model, **kwargs: object) -> None:
    if kwargs.get("raw"):  # loading fixtures
        return
    if kwargs.get("created") and sender in SHOWN_WITH_NONE_WHEN_NEW:
        return
    touch(SHOWN_WITH[sender](instance))


def _entry_saved(sender: type[Model], instance: Entry, **kwargs: object) -> None:
    if instance.published_at is not None and not kwargs.get("raw"):
        forget_on_commit()


def _person_changed(sender: type[Model], instance: Model, **kwargs: object) -> None:
    """A juror's name is on the results of the editions they judged (an account just made
    judged none)."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    judged = JuryMember.objects.filter(
        user=instance, accepted_at__isnull=False, edition__phase__in=ANNOUNCED_PHASES
    ).values("edition")
    touch(Q(edition__in=judged))


def _goals_changed(sender: type[Model], instance: Model, action: str, **kwargs: object) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Entry):
        touch(Q(pk=instance.pk))


def connect() -> None:
    for model in SHOWN_WITH:
        uid = f"showcase.freshness.{model.__name__}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_changed, sender=model, dispatch_uid=uid)
    post_save.connect(_entry_saved, sender=Entry, dispatch_uid="showcase.freshness.entry")
    post_save.connect(
        _person_changed, sender=get_user_model(), dispatch_uid="showcase.freshness.user"
    )
    m2m_changed.connect(
        _goals_changed, sender=Entry.sdgs.through, dispatch_uid="showcase.freshness.sdgs"
    )
