"""Form submissions already taken, so a second click changes nothing."""

from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from kerapu.extensions import db
from kerapu.models.accounts import utcnow


class Submission(db.Model):
    """The random key a form carried when it was accepted.

    A form that creates something (registration, an application, a
    proposal) renders a fresh key in a hidden field; the service that takes
    the submission records the key in the same transaction, so the same
    form sent twice (a double click, a resent request, a second tab) is
    recognised by the unique key and answered as the first one was."""

    __tablename__ = "form_submissions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: What the form was for: "registration", ...
    purpose: Mapped[str] = mapped_column(String(30))
    #: The id of what the accepted form created (a proposal), so a second
    #: sending is answered with the same page.
    target_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    def __repr__(self):
        return f"<Submission {self.purpose} {self.key[:8]}>"
