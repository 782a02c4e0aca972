"""Every page of the URL map answers htmx with a fragment and a Vary header.

The routes are read from the app's URL map, so a new page is covered the
moment it exists; a route this table cannot fill in fails the test.
"""

import re
from datetime import date

import pytest
from sqlalchemy import select

from kerapu.models import Program
from kerapu.services import progress, tokens

#: Routes that are not pages: files, plain text.
NOT_PAGES = {
    "static",
    "public.healthz",
    "uploads.show",
    "uploads.thumbnail",
    "auth.download_data",
}


def page_routes(app):
    return sorted(
        (rule.endpoint, rule.rule, tuple(sorted(rule.arguments)))
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint not in NOT_PAGES
    )


def sample_token(endpoint, user):
    """A good token for the page of ``endpoint``, made for ``user``."""
    if endpoint == "auth.activate":
        return tokens.make_token("activation", {"u": user.id, "e": user.email})
    if endpoint == "auth.reset_password":
        fingerprint = tokens.password_fingerprint(user.password_hash)
        return tokens.make_token("reset", {"u": user.id, "p": fingerprint})
    if endpoint == "auth.confirm_email":
        return tokens.make_token(
            "email", {"u": user.id, "o": user.email, "n": f"baru-{user.id}@contoh.id"}
        )
    pytest.fail(f"no sample token for {endpoint}")


def fill(endpoint, rule, arguments, db, user, owned):
    """The rule's path with sample values; ``owned`` holds ids of the
    logged-in mitra's items: "work" (under way, with a report) and
    "revision" (a proposal sent back for changes)."""
    values = {}
    for name in arguments:
        if name == "program_id":
            values[name] = db.session.scalar(select(Program.id).limit(1))
        elif name == "token":
            values[name] = sample_token(endpoint, user)
        elif name == "cooperation_id" and endpoint == "mitra.revise_proposal":
            values[name] = owned["revision"].id
        elif name == "cooperation_id":
            values[name] = owned["work"].id
        elif name == "report_id":
            values[name] = owned["work"].latest_report.id
        else:
            pytest.fail(f"no sample value for <{name}> in {rule}")
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule)


def test_every_page_route_is_covered(app):
    assert {endpoint for endpoint, _, _ in page_routes(app)} >= {
        "public.index",
        "public.programs",
        "public.show_program",
        "public.partners",
        "public.activities",
        "public.contacts",
        "public.regency_select",
        "auth.login",
    }


def test_pages_answer_htmx_with_fragments(
    app, client, db, make_mitra, login_as, make_application, make_proposal, advance
):
    """Anonymous first; a page that sends a visitor to log in is asked
    again by a logged-in mitra."""
    mitra_client = app.test_client()
    owner = make_mitra()
    login_as(mitra_client, owner)
    owned = {
        "work": advance(make_application(owner), "DISETUJUI", "PELAKSANAAN"),
        "revision": advance(make_proposal(owner), "PERLU_PERBAIKAN"),
    }
    report_values = progress.ReportValues(date.today(), 10, "Mulai.")
    progress.add_report(owned["work"], owner, report_values, [])
    inactive = make_mitra(active=False)
    for endpoint, rule, arguments in page_routes(app):
        path = fill(endpoint, rule, arguments, db, inactive, owned)
        asking = client
        if client.get(path).status_code == 302:
            asking = mitra_client

        page = asking.get(path)
        fragment = asking.get(path, headers={"HX-Request": "true"})

        assert page.status_code == 200, endpoint
        assert "<html" in page.text, endpoint
        assert fragment.status_code == 200, endpoint
        assert "<html" not in fragment.text, endpoint
        assert 'id="' in fragment.text.split(">", 1)[0], endpoint
        assert "HX-Request" in fragment.headers["Vary"], endpoint
        assert "HX-Request" in page.headers["Vary"], endpoint
