"""Signed links sent by email: activation, password reset, email change.

A token is ``itsdangerous``-signed with the app's SECRET_KEY and a salt per
purpose, so a token made for one purpose never reads as another. Nothing is
stored: each token carries what makes it single-use.

- activation: the user and the email it was sent to; once the account is
  active, opening it again only says so.
- reset: the user and a fingerprint of the current password hash; any
  password change, by this link or another route, kills it.
- email: the user, the email it replaces and the new one; once applied the
  old address no longer matches, so it cannot run twice.
"""

import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = {
    "activation": "ACTIVATION_TOKEN_MAX_AGE",
    "reset": "RESET_TOKEN_MAX_AGE",
    "email": "EMAIL_TOKEN_MAX_AGE",
}


@dataclass(frozen=True)
class TokenResult:
    """What a token says: its payload, and whether it is merely expired."""

    payload: dict | None
    expired: bool = False

    @property
    def valid(self):
        return self.payload is not None and not self.expired


def _serializer(purpose):
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return URLSafeTimedSerializer(
        current_app.config["SECRET_KEY"], salt=f"kerapu-{purpose}"
    )


def make_token(purpose, payload):
    """Sign ``payload`` (a small dict) for ``purpose``."""
    return _serializer(purpose).dumps(payload)


def read_token(purpose, token):
    """Read a token of ``purpose``: valid, expired (payload kept, so the
    page can offer a new link) or unreadable (payload None)."""
    serializer = _serializer(purpose)
    max_age = current_app.config[PURPOSES[purpose]]
    if not token or len(token) > 1000:
        return TokenResult(None)
    try:
        payload = serializer.loads(token, max_age=max_age)
    except SignatureExpired as expired:
        # The signature is good, only old: its payload is still ours.
        try:
            payload = serializer.load_payload(expired.payload)
        except BadSignature:
            return TokenResult(None)
        return TokenResult(_as_dict(payload), expired=True)
    except BadSignature:
        return TokenResult(None)
    return TokenResult(_as_dict(payload))


def _as_dict(payload):
    return payload if isinstance(payload, dict) else None


def password_fingerprint(password_hash):
    """A short digest of the password hash: changes with every password."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:20]
