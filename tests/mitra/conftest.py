"""Fixtures of the mitra pages."""

import pytest
from flask.testing import FlaskClient

from kerapu.extensions import db as _db


class CommittingClient(FlaskClient):
    """A test client that commits what the test set up before each request.

    A server only ever sees committed data; and a view that rolls back after
    a refusal must undo its own work only, not the test's accounts and
    programs (the ``db`` fixture still rolls everything back at the end)."""

    def open(self, *args, **kwargs):
        _db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    return CommittingClient(app, app.response_class, use_cookies=True)
