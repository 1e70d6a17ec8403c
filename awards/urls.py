from django.urls import path

from .views import call, certificates, editions, entries, organisations, partners, screening

app_name = "awards"

urlpatterns = [
    # Certificates: verification is public; the seal's certificate is public for pinning.
    path("certificates/", certificates.certificate_lookup, name="certificate_lookup"),
    path("certificates/check/", certificates.certificate_check, name="certificate_check"),
    path("certificates/seal.pem", certificates.seal_certificate, name="seal_certificate"),
    path("certificates/issuer.json", certificates.credential_issuer, name="credential_issuer"),
    path("certificates/jwks.json", certificates.credential_keys, name="credential_keys"),
    path("certificates/credential/", certificates.credential_check, name="credential_check"),
    path(
        "certificates/<str:code>/credential.<slug:format>",
        certificates.credential_download,
        name="credential_download",
    ),
    path(
        "certificates/<str:code>/download/",
        certificates.certificate_download,
        name="certificate_download",
    ),
    path("certificates/<str:code>/", certificates.certificate_verify, name="certificate_verify"),
    path(
        "editions/<slug:slug>/certificates/",
        certificates.edition_certificates,
        name="edition_certificates",
    ),
    path(
        "editions/<slug:slug>/signatories/",
        certificates.edition_signatories,
        name="edition_signatories",
    ),
    path(
        "editions/<slug:slug>/certificates.zip",
        certificates.edition_certificates_zip,
        name="edition_certificates_zip",
    ),
    path(
        "editions/<slug:slug>/certificates/<int:pk>/correct/",
        certificates.certificate_correct,
        name="certificate_correct",
    ),
    path(
        "editions/<slug:slug>/certificates/<int:pk>/revoke/",
        certificates.certificate_revoke,
        name="certificate_revoke",
    ),
    # The call for entries, public.
    path("calls/<slug:slug>/", call.call_detail, name="call_detail"),
    # The secretariat's management of editions.
    path("editions/", editions.edition_list, name="edition_list"),
    path("editions/new/", editions.edition_create, name="edition_create"),
    path("editions/<slug:slug>/", editions.edition_update, name="edition_update"),
    path("editions/<slug:slug>/clone/", editions.edition_clone, name="edition_clone"),
    path("editions/<slug:slug>/phase/<slug:name>/", editions.edition_phase, name="edition_phase"),
    path("editions/<slug:slug>/reminders/", editions.edition_reminders, name="edition_reminders"),
    path(
        "editions/<slug:slug>/publication/",
        editions.edition_publication,
        name="edition_publication",
    ),
    # The secretariat's eligibility screening.
    path("screening/", screening.screening_queue, name="screening_queue"),
    path("screening/bulk/", screening.screening_bulk, name="screening_bulk"),
    path("screening/<int:pk>/", screening.screening_entry, name="screening_entry"),
    # Organisations: create, join, approve, invite colleagues; the secretariat's list.
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/join/", organisations.organisation_join, name="organisation_join"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/",
        organisations.membership_decide,
        name="membership_decide",
    ),
    path("organisations/<int:pk>/invite/", organisations.colleague_invite, name="colleague_invite"),
    path(
        "organisations/<int:pk>/profile/",
        organisations.organisation_update,
        name="organisation_update",
    ),
    path(
        "organisations/<int:pk>/members/<int:membership_pk>/remove/",
        organisations.membership_remove,
        name="membership_remove",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        organisations.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", organisations.invitation_accept, name="invitation_accept"),
    # Entries: the applicant's form, its review and submission, the read-only copy.
    path("entries/new/", entries.entry_create, name="entry_create"),
    path("entries/<int:pk>/", entries.entry_detail, name="entry_detail"),
    path("entries/<int:pk>/edit/<slug:step>/", entries.entry_edit, name="entry_edit"),
    path("entries/<int:pk>/autosave/<slug:step>/", entries.entry_autosave, name="entry_autosave"),
    path("entries/<int:pk>/review/", entries.entry_review, name="entry_review"),
    path(
        "entries/<int:pk>/transition/<slug:name>/",
        entries.entry_transition,
        name="entry_transition",
    ),
    path("entries/<int:pk>/delete/", entries.entry_delete, name="entry_delete"),
    path("entries/<int:pk>/pdf/", entries.entry_pdf, name="entry_pdf"),
    path("entries/<int:pk>/public-text/", entries.entry_public_text, name="entry_public_text"),
    path("entries/<int:pk>/extension/", entries.entry_extension, name="entry_extension"),
    path(
        "entries/<int:pk>/attachments/<int:attachment_pk>/",
        entries.attachment_download,
        name="attachment_download",
    ),
    path(
        "entries/<int:pk>/attachments/<int:attachment_pk>/remove/",
        entries.attachment_remove,
        name="attachment_remove",
    ),
    path(
        "entries/<int:pk>/partners/ask/",
        partners.partners_ask,
        name="partners_ask",
    ),
    # A partner's contact confirms through a signed link, without an account.
    path("partners/<str:token>/", partners.partner_respond, name="partner_respond"),
]
