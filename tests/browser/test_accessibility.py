"""axe-core finds no violation on the public pages, wide and on a phone.

axe-core comes from npm, pinned in package.json; ``make test`` installs it
into node_modules/ with ``npm ci``.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from kerapu.extensions import db
from kerapu.models import Program
from tests.browser.helpers import JEREWEH

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
    page.add_script_tag(path=axe_script)
    result = page.evaluate("axe.run()")

    violations = result["violations"]
    assert not violations, f"axe on {path} at {width} px:\n" + describe(violations)
