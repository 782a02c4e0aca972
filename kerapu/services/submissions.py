"""One-time form keys: the same form sent twice is taken once."""

from kerapu.extensions import db
from kerapu.models import Submission


def claim_submission(key, purpose):
    """Record a form's one-time key; False when it was taken already.

    A race between two requests with the same key ends in an
    IntegrityError at commit, which the view answers as a duplicate."""
    if not key or db.session.get(Submission, key) is not None:
        return False
    db.session.add(Submission(key=key, purpose=purpose))
    db.session.flush()
    return True


def submitted_target(key, purpose):
    """The id of what the form with ``key`` created, if it was taken."""
    if not key:
        return None
    submission = db.session.get(Submission, key)
    if submission is None or submission.purpose != purpose:
        return None
    return submission.target_id


def record_target(key, target_id):
    """Note what the accepted form with ``key`` created."""
    db.session.get(Submission, key).target_id = target_id
