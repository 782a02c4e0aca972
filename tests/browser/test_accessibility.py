"""axe-core finds no violation on the public pages and the mitra's own
pages, wide and on a phone.

axe-core comes from npm, pinned in package.json; ``make test`` installs it
into node_modules/ with ``npm ci``.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kerapu.extensions import db
from kerapu.models import Program
from tests import images
from tests.browser import live_data
from tests.browser.helpers import JEREWEH, log_in

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

PAGES = [
    "/",
    "/program",
    "/program?q=jalan&page=2",
    "detail",
    "/kontak",
    "/kontak?provinsi=94",
    "/mitra",
    "/kegiatan",
    "/akun/masuk",
    "/akun/daftar",
    "/akun/lupa-password",
    "/akun/aktivasi/kirim-ulang",
    "/halaman-yang-tidak-ada",
]
WIDTHS = [1280, 360]

#: Pages read as a logged-in mitra with work under way; "item" and
#: "report" are its approved application and Update Kegiatan form.
MITRA_PAGES = [
    "detail",
    "/saya/program",
    "item",
    "report",
    "/usulan/baru",
    "proposal errors",
    "/kegiatan",
    "/mitra",
]
#: A sample program no other browser test names; taken here for a while.
LUMPANGI = "Rekonstruksi Ruas Jalan Lumpangi - Bts. Kab. Tanah Bumbu Segmen 2"


@pytest.fixture(scope="session")
def axe_script():
    """Path of axe.min.js; ``npm ci`` it if npm is here, else skip."""
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm is None:
            message = "npm not found: no axe-core check (install Node.js and npm)"
            if os.environ.get("KERAPU_BROWSER_REQUIRED") == "1":
                pytest.fail(f"{message} (KERAPU_BROWSER_REQUIRED=1)", pytrace=False)
            pytest.skip(message)
        command = [npm, "ci", "--omit=dev", "--no-audit", "--no-fund"]
        subprocess.run(command, cwd=ROOT, check=True, timeout=300)
    return AXE


@pytest.fixture(scope="module")
def detail_path(app):
    """Address of the Jereweh program, a detail page with every fact filled."""
    with app.app_context():
        program_id = db.session.scalar(
            select(Program.id).where(Program.name == JEREWEH)
        )
        db.session.remove()
    return f"/program/{program_id}"


@pytest.fixture(scope="module")
def mitra_work(app, browser, live_server, tmp_path_factory):
    """A mitra with a logo, an approved application with a progress report
    and photo, and a proposal; yields its login (storage state) and the
    paths of its item and report form. All of it is removed afterwards."""
    uploads = str(tmp_path_factory.mktemp("uploads"))
    accounts = live_data.LiveAccounts(app)
    with pytest.MonkeyPatch.context() as patch, live_data.own_outbox(app):
        patch.setitem(app.config, "UPLOAD_FOLDER", uploads)
        try:
            mitra = accounts.mitra(logo=images.png(size=(120, 80)))
            staff = accounts.staff("BPJN-KALSEL")
            item = accounts.apply(mitra, LUMPANGI)
            accounts.move(item, "DISETUJUI", staff)
            photo = images.png(size=(640, 480), color=(70, 110, 60))
            accounts.report(item, mitra, 40, "Galian tanah selesai.", [photo])
            accounts.propose(mitra, "Pelebaran Jalan Martapura - Astambul")

            context = browser.new_context(base_url=live_server)
            log_in(context.new_page(), mitra.email, live_data.PASSWORD)
            state = context.storage_state()
            context.close()
            yield (
                state,
                {
                    "item": f"/saya/program/{item}",
                    "report": f"/saya/program/{item}/laporan/baru",
                },
            )
        finally:
            accounts.remove()


def describe(violations):
    """axe's violations as lines a person can act on."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}"
            f" <{violation['helpUrl']}>"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_axe_violations(new_context, axe_script, detail_path, path, width):
    path = detail_path if path == "detail" else path
    # Our CSP allows no inline script, which is how axe is added.
    context = new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()

    page.goto(path)

    check(page, axe_script, path, width)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", MITRA_PAGES)
def test_mitra_page_has_no_axe_violations(
    new_context, axe_script, detail_path, mitra_work, path, width
):
    state, paths = mitra_work
    context = new_context(
        viewport={"width": width, "height": 800}, bypass_csp=True, storage_state=state
    )
    page = context.new_page()

    if path == "proposal errors":
        page.goto("/usulan/baru")
        page.get_by_role("button", name="Kirim Usulan").click()
        expect(page.locator("#usulan .error").first).to_be_visible()
    else:
        page.goto(paths.get(path, detail_path if path == "detail" else path))
    expect(page.locator("details.user-menu")).to_be_attached()

    check(page, axe_script, path, width)


def check(page, axe_script, path, width):
    """Run axe on the page as it is; fail with what it found."""
    page.add_script_tag(path=axe_script)
    result = page.evaluate("axe.run()")

    violations = result["violations"]
    assert not violations, f"axe on {path} at {width} px:\n" + describe(violations)
