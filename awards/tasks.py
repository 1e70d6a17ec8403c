from celery import shared_task

from .services.phases import advance_editions


@shared_task(name="awards.advance_editions")
def advance_editions_task() -> int:
    """Open and close calls at the dates of their editions' timelines."""
    return len(advance_editions())


@shared_task(name="awards.secretariat_digest")
def secretariat_digest_task() -> int:
    """Each morning, the secretariat hears what needs action in the current edition."""
    from .services.digest import send_secretariat_digest

    return send_secretariat_digest()
