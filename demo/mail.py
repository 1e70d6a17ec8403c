"""A mail backend for simulations: each message is built to the bytes a mail server would
receive, then only its envelope is kept (who it went to, its outbox key). Tens of thousands
of mails of a large simulated edition would otherwise stay in memory whole."""

from dataclasses import dataclass

from django.core.mail.backends.base import BaseEmailBackend


@dataclass(frozen=True)
class Envelope:
    to: tuple[str, ...]
    key: str
    size: int  # bytes, as sent


sent: list[Envelope] = []


class EnvelopeBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            data = message.message().as_bytes()
            sent.append(
                Envelope(
                    to=tuple(message.recipients()),
                    key=message.extra_headers.get("X-Notification-Key", ""),
                    size=len(data),
                )
            )
            count += 1
        return count
