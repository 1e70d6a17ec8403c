"""A mail backend for running the site on one's own machine (the demo): one line per message.

It lives with the outbox rather than with the demo because it is about messages, not demo data:
anyone running the site locally may choose it (`EMAIL_URL=onelinemail://`). The console
backend prints each message whole, in MIME, which buries everything else on the console; the
whole message stays readable in the secretariat's outbox.
"""

import re

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.console import EmailBackend as ConsoleBackend

LINK = re.compile(r"https?://[^\s<>\"']+")


def first_link(text: str, site_url: str) -> str:
    """The link a person must follow in a message: the first one to the site itself (text a
    person wrote, quoted in the message, may hold other links before it), else the first of
    any, else nothing."""
    links = LINK.findall(text)
    own = [link for link in links if link == site_url or link.startswith(site_url + "/")]
    return next(iter(own or links), "")


class OneLineConsoleBackend(ConsoleBackend):
    """Writes `subject → recipients: link` for each message, on one line, to the console."""

    def write_message(self, message: EmailMessage) -> None:
        # A subject is one line already; a stray line break must not split the record.
        subject = " ".join(message.subject.split())
        line = f"{subject} → {', '.join(message.recipients())}"
        link = first_link(str(message.body), settings.SITE_URL)
        self.stream.write(f"{line}: {link}\n" if link else f"{line}\n")
