"""Who may open what, for every route of the URL map.

Routes are read from the app, so a new route is in the matrix the moment it
exists: it is public only if listed in PUBLIC below; any other must turn
away a visitor who is not logged in (a redirect to login, or 401 with
HX-Redirect for htmx) and change nothing, and a mitra-only route answers
404 to staff.
"""

import re

import pytest

from kerapu.models import Role, User
from kerapu.services.accounts import utcnow

#: Endpoints anyone may use without logging in.
PUBLIC = {
    "static",
    "public.index",
    "public.programs",
    "public.show_program",
    "public.partners",
    "public.activities",
    "public.contacts",
    "public.regency_select",
    "public.healthz",
    "uploads.show",
    "uploads.thumbnail",
    "auth.register",
    "auth.registered",
    "auth.activate",
    "auth.resend_activation",
    "auth.login",
    "auth.logout",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.confirm_email",
}

#: Blueprints whose every route belongs to a mitra; and mitra routes
#: outside them.
MITRA_BLUEPRINTS = {"mitra"}
MITRA_ENDPOINTS = {
    "auth.profile",
    "auth.change_password",
    "auth.change_email",
    "auth.download_data",
    "auth.delete_account",
    "auth.change_status_mail",
}

SAMPLES = {
    "program_id": "1",
    "cooperation_id": "1",
    "report_id": "1",
    "token": "x",
    "kind": "json",
    "filename": "app.css",
    "name": "x",
}


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = re.sub(
                r"<(?:[^:>]+(?:\([^)]*\))?:)?(\w+)>",
                lambda m: SAMPLES[m.group(1)],
                rule.rule,
            )
            yield rule.endpoint, method, path


def test_every_route_is_public_or_needs_login(app, client, db):
    for endpoint, method, path in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(path, method=method)
        assert response.status_code == 302, (endpoint, method)
        assert response.headers["Location"].startswith("/akun/masuk?next="), endpoint

        response = client.open(
            path,
            method=method,
            headers={"HX-Request": "true", "HX-Current-URL": "http://x/program"},
        )
        assert response.status_code == 401, (endpoint, method)
        assert response.headers["HX-Redirect"] == "/akun/masuk?next=/program"


def test_mitra_routes_are_not_for_staff(app, client, db, login_as):
    staff = User(
        email="staf@pu.go.id", role=Role.PUSAT, password_hash="x", activated_at=utcnow()
    )
    db.session.add(staff)
    db.session.flush()
    login_as(client, staff)
    checked = 0
    for endpoint, method, path in routes(app):
        blueprint = endpoint.partition(".")[0]
        if blueprint not in MITRA_BLUEPRINTS and endpoint not in MITRA_ENDPOINTS:
            continue
        # POSTs carry no CSRF token here; staff must be refused before that.
        response = client.open(path, method=method)
        assert response.status_code == 404, (endpoint, method)
        checked += 1
    assert checked >= len(MITRA_ENDPOINTS)


@pytest.mark.parametrize("endpoint", sorted(MITRA_ENDPOINTS))
def test_listed_mitra_endpoints_exist(app, endpoint):
    assert endpoint in app.view_functions
