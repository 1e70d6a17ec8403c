from celery import shared_task

from .services.phases import advance_editions


@shared_task(name="awards.advance_editions")
def advance_editions_task() -> int:
    """Open and close calls at the dates of their editions' timelines."""
    return len(advance_editions())


@shared_task(name="awards.publish_due")
def publish_due_task() -> int:
    """Publish the results whose scheduled announcement has come (each edition once)."""
    from .services.publication import publish_due

    return len(publish_due())


@shared_task(name="awards.secretariat_digest")
def secretariat_digest_task() -> int:
    """Each morning, the secretariat hears what needs action in the current edition."""
    from .services.digest import send_secretariat_digest

    return send_secretariat_digest()


@shared_task(name="awards.issue_certificate", acks_late=True, ignore_result=True)
def issue_certificate_task(*, certificate_id: int) -> bool:
    """Render, seal and store one certificate (one task each, so workers share the work)."""
    from .certificates import issue

    return issue(certificate_id)


@shared_task(name="awards.issue_pending_certificates", ignore_result=True)
def issue_pending_certificates_task() -> int:
    """Ask again for the certificates that a broker outage or a dead worker left pending."""
    from django.utils import timezone

    from .certificates import pending_certificates

    pending = pending_certificates(timezone.now())
    for certificate_id in pending:
        issue_certificate_task.delay(certificate_id=certificate_id)
    return len(pending)
