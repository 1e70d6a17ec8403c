"""Writes of entries: creating a draft, saving each step of the form, attachments, deadlines."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.limits import chars_for_words
from core.locks import lock
from core.refusals import Conflict, Refused
from core.rows import RowChanges
from notifications.kinds import Kind

from ..models import SDG_NAMES, Answer, Attachment, Edition, Entry, Organisation
from ..notices import entry_context, notify_members
from ..uploads import check_upload
from ..workflow import EntryState
from .related import (
    EntryRefused,
    PartnerRow,
    ProjectRow,
    apply_partner_changes,
    apply_project_changes,
)
from .transitions import TransitionRefused, lock_entry, transition_entry

__all__ = ["EntryRefused", "PartnerRow", "ProjectRow"]


class EntryLocked(Refused):
    """The entry can no longer be changed (submitted, withdrawn, or past its deadline)."""


class EntryChangedMeanwhile(Conflict):
    """A co-editor saved the entry after this person opened the page they are saving."""


@transaction.atomic
def create_entry(*, edition: Edition, organisation: Organisation, by: User) -> Entry:
    """Side effects: a draft entry with the next reference number of the edition."""
    # Locking the edition serialises numbering, so two drafts never get the same reference.
    lock(Edition.objects.filter(pk=edition.pk))
    last = Entry.objects.filter(edition=edition).aggregate(last=Max("number"))["last"] or 0
    return Entry.objects.create(
        edition=edition, organisation=organisation, created_by=by, number=last + 1
    )


def _lock_existing(entry: Entry) -> Entry:
    """The entry's row, locked; EntryLocked when a colleague has deleted the draft meanwhile."""
    try:
        return lock_entry(entry.pk)
    except Entry.DoesNotExist as error:
        raise EntryLocked(
            _("A colleague has deleted this draft; nothing more can be saved to it.")
        ) from error


def _saved_by_other_since(locked: Entry, seen: str | None, by: User | None) -> bool:
    """Whether someone other than `by` saved the entry after `seen`.

    `seen` is the version (last saved time) of the entry the page was built from (None: not
    checked). A later save by the same person (an autosave still under way) is no conflict.
    """
    saved_by_other = by is None or locked.last_saved_by_id != by.pk
    return seen is not None and seen != locked.version and saved_by_other


def _lock_editable(entry: Entry, seen: str | None = None, by: User | None = None) -> Entry:
    """The entry's row, locked for this transaction, after checking it may still change.

    When someone else has saved since `seen`, the save is refused rather than silently
    overwriting them.
    """
    locked = _lock_existing(entry)
    if _saved_by_other_since(locked, seen, by):
        raise EntryChangedMeanwhile(
            _(
                "A colleague saved this entry while you were editing it. Your text is still "
                "below: copy what you need, reload the page to see their changes, then add yours."
            )
        )
    if not locked.is_editable:
        raise EntryLocked(
            _("This entry has been submitted and can no longer be changed.")
            if locked.submitted_at
            else _("This entry can no longer be changed.")
        )
    return locked


@transaction.atomic
def save_basics(
    *,
    entry: Entry,
    by: User,
    title: str | None = None,
    summary: str | None = None,
    language: str | None = None,
    sdgs: Iterable[int] | None = None,
    seen: str | None = None,
) -> Entry:
    """Save the partnership step; a value left None stays as it is (an autosave carries only
    what it has).

    Side effects, in order: the entry row locked and checked (EntryLocked,
    EntryChangedMeanwhile); refused (EntryRefused, naming the field) when the title or the
    summary is too long for the edition, the language is not one of the edition's or an SDG
    number is unknown; the given fields saved; the SDGs replaced when given.
    """
    locked = _lock_editable(entry, seen, by)
    edition = locked.edition
    changed = {"title": title, "summary": summary, "language": language}
    limits = {
        "title": Entry._meta.get_field("title").max_length or 0,
        "summary": chars_for_words(edition.summary_word_limit),
    }
    for name, limit in limits.items():
        _check_text(changed[name], name=name, max_length=limit)
    if language and language not in edition.languages:
        raise EntryRefused(_("Choose one of the edition's languages."), field="language")
    goals = sorted(set(sdgs)) if sdgs is not None else None
    if goals and not set(goals) <= set(SDG_NAMES):
        raise EntryRefused(_("Choose goals among the 17 SDGs."), field="sdgs")
    fields = [name for name, value in changed.items() if value is not None]
    for name in fields:
        setattr(locked, name, changed[name])
    locked.last_saved_by = by
    locked.save(update_fields=[*fields, "last_saved_by", "updated_at"])
    if goals is not None:
        locked.sdgs.set(goals)
    return locked


@transaction.atomic
def save_answers(
    *, entry: Entry, by: User, answers: dict[int, str], seen: str | None = None
) -> Entry:
    """Save answers to the edition's questions; questions not in `answers` stay as they are.

    Side effects, in order: the entry row locked and checked (EntryLocked,
    EntryChangedMeanwhile); refused (EntryRefused) when an answer is too long for its
    question's word limit; one Answer row per question given, created or updated in one
    statement (answers to questions of another edition are left out).
    """
    locked = _lock_editable(entry, seen, by)
    questions = {q.pk: q for q in locked.edition.questions.all()}
    given = {pk: text for pk, text in answers.items() if pk in questions}
    for pk, text in given.items():
        limit = chars_for_words(questions[pk].word_limit)
        _check_text(text, name=f"answer_{pk}", max_length=limit)
    # One statement for every answer given, new or changed (the entry's row lock orders it).
    Answer.objects.bulk_create(
        [Answer(entry=locked, question_id=pk, text=text) for pk, text in given.items()],
        update_conflicts=True,
        unique_fields=["entry", "question"],
        update_fields=["text"],
    )
    locked.last_saved_by = by
    locked.save(update_fields=["last_saved_by", "updated_at"])
    return locked


def _check_text(value: str | None, *, name: str, max_length: int) -> None:
    """EntryRefused, in Django's own words, unless `value` is storable text that fits."""
    if value is None:
        return
    try:
        ProhibitNullCharactersValidator()(value)
        MaxLengthValidator(max_length)(value)
    except ValidationError as error:
        raise EntryRefused(error.messages[0], field=name) from error


@transaction.atomic
def save_related(
    *,
    entry: Entry,
    by: User,
    partners: RowChanges[PartnerRow] | None = None,
    projects: RowChanges[ProjectRow] | None = None,
    seen: str | None = None,
) -> Entry:
    """Change an entry's partners and linked projects; rows not named stay as they are.

    Side effects, in order: the entry row locked and checked (EntryLocked,
    EntryChangedMeanwhile); for partners, then projects: refused (EntryRefused, nothing
    written) when a changed or removed id is not one of the entry's rows, a row breaks its
    model's rules, or more rows than the edition allows would be left; rows removed, changed
    and added, a partner whose government, country or contact address changed asked again
    (see apply_partner_changes); the entry's last save recorded.
    """
    locked = _lock_editable(entry, seen, by)
    if partners:
        apply_partner_changes(locked, partners)
    if projects:
        apply_project_changes(locked, projects)
    locked.last_saved_by = by
    locked.save(update_fields=["last_saved_by", "updated_at"])
    return locked


# The steps that hand the entry in, each with the applicants' answer on public display.
SUBMITTING_STEPS = ("submit", "resubmit")


@transaction.atomic
def submit_entry(
    *,
    entry: Entry,
    by: User,
    name: str = "submit",
    note: str = "",
    public_display: bool = False,
    now: datetime.datetime | None = None,
) -> Entry:
    """Hand the entry in (`submit`, or `resubmit` after a clarification) with the applicants'
    answer on showing it in the public gallery without a prize.

    Side effects, in one transaction: the transition as `transition_entry` takes it (refused
    as it refuses); the consent and its time saved on the entry (a later submission may give
    or take it back; publication reads it).
    """
    if name not in SUBMITTING_STEPS:
        raise TransitionRefused(_("There is no such step for an entry."))
    now = now or timezone.now()
    moved = transition_entry(entry=entry, name=name, by=by, note=note, now=now)
    moved.public_display = public_display
    moved.public_display_at = now if public_display else None
    Entry.objects.filter(pk=moved.pk).update(
        public_display=moved.public_display, public_display_at=moved.public_display_at
    )
    return moved


@transaction.atomic
def add_attachment(
    *,
    entry: Entry,
    by: User,
    upload: UploadedFile,
    description: str = "",
    is_public: bool = False,
) -> Attachment:
    """Side effects: the file checked by content and stored outside the web root; a row."""
    locked = _lock_editable(entry)
    edition = locked.edition
    if locked.attachments.count() >= edition.max_attachments:
        raise ValidationError(
            _("This entry already has %(count)s attachments, the most the edition allows."),
            params={"count": edition.max_attachments},
        )
    checked = check_upload(upload, max_bytes=edition.max_attachment_mb * 1024 * 1024)
    attachment = Attachment(
        entry=locked,
        original_name=(upload.name or "")[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=description,
        uploaded_by=by,
        is_public=is_public,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def remove_attachment(*, attachment: Attachment, by: User) -> None:
    """Side effects: the row deleted, and its file once the deletion has committed."""
    _lock_editable(attachment.entry)
    _delete_files_on_commit([attachment])
    attachment.delete()


def _delete_files_on_commit(attachments: Iterable[Attachment]) -> None:
    """Remove the attachments' stored files once the deletion of their rows has committed.

    Read before the rows go; a rolled-back deletion keeps its files.
    """
    files = [(attachment.file.storage, attachment.file.name) for attachment in attachments]

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)


def check_deletable(entry: Entry) -> None:
    """Refused (EntryLocked, saying why) unless `Entry.may_be_deleted`."""
    if not entry.may_be_deleted:
        raise EntryLocked(
            _("Only a draft that was never submitted can be deleted; withdraw this entry instead.")
        )


@transaction.atomic
def delete_draft(*, entry: Entry, by: User, seen: str | None = None) -> str:
    """Delete a draft that was never submitted, for good. Returns its title (or reference).

    Side effects, in order: refused (PermissionDenied) unless `by` edits the entry; the entry
    row locked (EntryLocked if a colleague deleted it meanwhile); refused (EntryChangedMeanwhile)
    when a colleague saved it after `seen`, the version the confirmation page showed; refused
    (EntryLocked) unless `check_deletable`; the entry deleted with everything it holds
    (answers, partners, projects, attachments); the attachments' files removed and the
    organisation's other members told, once the deletion has committed.
    """
    if not by.has_perm("awards.delete_entry", entry):
        raise PermissionDenied
    locked = _lock_existing(entry)
    if _saved_by_other_since(locked, seen, by):
        raise EntryChangedMeanwhile(
            _(
                "A colleague saved this draft after you opened this page; nothing was deleted. "
                "Look at their changes before deciding again."
            )
        )
    check_deletable(locked)
    name = locked.title.strip() or locked.reference
    context = {
        "entry": {
            "title": name,
            "reference": locked.reference,
            "organisation": locked.organisation.name,
            "edition": locked.edition.title,
        },
        "by": by.full_name,
    }
    notify_members(
        locked.organisation,
        Kind.ENTRY_DELETED,
        context=context,
        key=f"entry-deleted:{locked.pk}",
        besides=by,
    )
    _delete_files_on_commit(locked.attachments.all())
    locked.delete()
    return name


@transaction.atomic
def grant_extension(*, entry: Entry, by: User, until: datetime.datetime) -> Entry:
    """Side effects: the entry's own deadline moved; an email to each member of its organisation."""
    locked = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("edition", "organisation")
        .get(pk=entry.pk)
    )
    if locked.state != EntryState.DRAFT:
        raise ValidationError(_("Only an entry not yet submitted can be given more time."))
    if until <= max(locked.edition.submission_deadline, timezone.now()):
        raise ValidationError(
            _("An extension must end in the future and after the edition's deadline.")
        )
    locked.deadline_extension = until
    locked.save(update_fields=["deadline_extension", "updated_at"])
    notify_members(
        locked.organisation,
        Kind.EXTENSION_GRANTED,
        context={"entry": entry_context(locked), "until": until},
        key=f"extension:{locked.pk}:{until.isoformat()}",
    )
    return locked
