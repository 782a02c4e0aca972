"""The mail outbox: every message, written with the change it reports."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kerapu.extensions import db


def utcnow():
    return datetime.now(UTC)


#: Rows a sender still has to look at; the queue index covers only these, so
#: it stays small however many sent messages the table keeps.
PENDING = text("sent_at IS NULL AND failed_at IS NULL")


class OutboxMessage(db.Model):
    """One email, queued by a request and delivered by the sender
    (kerapu/services/mail.py)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index(
            "ix_outbox_messages_next_attempt_at",
            "next_attempt_at",
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    #: The template pair it was rendered from ("activation"), for logs.
    template: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    #: Failed deliveries so far.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Not sent before this time: now when queued, later after a failure.
    next_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    #: A sender is delivering it until then; another may take it over after.
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Given up after MAIL_MAX_ATTEMPTS.
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The last failure, short, without credentials or the recipient.
    last_error: Mapped[str | None] = mapped_column(String(300))

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.template}>"
