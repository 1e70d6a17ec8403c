"""Every kind of message the project sends, with the template that renders it.

Templates live in templates/notifications/email/<template>_subject.txt, .txt and .html and are
rendered with the notification's context (primitive values only) in the recipient's language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PASSWORD_RESET = "account.password_reset", _("Password reset")
    VERIFY_EMAIL = "account.verify_email", _("Email address confirmation")
    MEMBERSHIP_REQUESTED = "organisation.membership_requested", _("Request to join")
    MEMBERSHIP_DECIDED = "organisation.membership_decided", _("Request to join decided")
    COLLEAGUE_INVITED = "organisation.colleague_invited", _("Invitation of a colleague")
    PARTNER_CONFIRMATION = "entry.partner_confirmation", _("Partner confirmation request")
    ENTRY_SUBMITTED = "entry.submitted", _("Submission receipt")
    ENTRY_WITHDRAWN = "entry.withdrawn", _("Entry withdrawn")
    ENTRY_DELETED = "entry.deleted", _("Draft deleted")
    EXTENSION_GRANTED = "entry.extension_granted", _("Deadline extension granted")
    CLARIFICATION_REQUESTED = "entry.clarification_requested", _("Clarification requested")
    ELIGIBILITY_DECIDED = "entry.eligibility_decided", _("Eligibility decision")
    RESULTS_PUBLISHED = "entry.results", _("Results of the awards")
    REMINDER_DRAFT = "reminder.draft", _("Reminder: unsubmitted draft")
    REMINDER_PARTNER = "reminder.partner", _("Reminder: partner not yet confirmed")
    REMINDER_CLARIFICATION = "reminder.clarification", _("Reminder: clarification to answer")
    SECRETARIAT_DIGEST = "secretariat.digest", _("Daily digest for the secretariat")
    JURY_INVITATION = "jury.invitation", _("Invitation to the jury")
    JURY_ASSIGNED = "jury.assigned", _("Entries assigned to a juror")
    JURY_EVALUATION_REOPENED = "jury.evaluation_reopened", _("Evaluation reopened")
    JURY_MORE_TIME = "jury.more_time", _("More time to score")
    REMINDER_JUROR = "reminder.juror", _("Reminder: evaluations to submit")
    JURY_BALLOT_OPENED = "jury.ballot_opened", _("The jury's ranked ballot opened")

    @property
    def template(self) -> str:
        return "notifications/email/" + self.value.replace(".", "/")
