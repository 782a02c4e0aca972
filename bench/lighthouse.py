"""``make lighthouse``: Lighthouse scores of the public pages on a slow phone.

Seeds a scratch SQLite database as ``flask kerapu setup`` does, serves it with
gunicorn (2 workers, production settings) on a free port, and runs Lighthouse
12.2.3 (pinned in package.json, installed by ``make`` with ``npm ci``) with its
default mobile form factor and simulated slow-4G throttling on Beranda, the
program list and one program's page, in Debian's Chromium. Prints the
performance and accessibility scores and the total byte weight of each page
against the bars in DESIGN.md, and for a failing score the audits that cost
points; exits 1 when a score fails. gunicorn is stopped and the scratch
database removed on the way out. Options: ``--help``.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import ROOT, app_env, fetch, flask, gunicorn, say, table, verdict

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
LIGHTHOUSE_VERSION = "12.2.3"
#: Flags Debian's Chromium needs here; see ../shared/TOOLING.md.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Bars from DESIGN.md, "Quality bars".
TARGET_PERFORMANCE = 0.98
TARGET_ACCESSIBILITY = 1.0
#: Metrics printed beside the scores, as Lighthouse names its audits.
METRICS = [
    ("FCP", "first-contentful-paint"),
    ("LCP", "largest-contentful-paint"),
    ("TBT", "total-blocking-time"),
    ("CLS", "cumulative-layout-shift"),
    ("SI", "speed-index"),
]


def lighthouse_binary():
    """Path of the pinned Lighthouse, or stop with what to do."""
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            "Lighthouse is not installed: run `make lighthouse`, which runs "
            "`npm ci` (Node.js 20 and npm needed)"
        )
    version = subprocess.run(
        [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    if version != LIGHTHOUSE_VERSION:
        raise SystemExit(
            f"node_modules holds Lighthouse {version}, package.json pins "
            f"{LIGHTHOUSE_VERSION}: run `npm ci --no-audit --no-fund`"
        )
    return LIGHTHOUSE


def chrome_path():
    path = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise SystemExit("Chromium not found: apt-get install chromium")
    return path


def detail_path(port):
    """Address of the first program in the list, read from /program."""
    status, body = fetch(port, "/program")
    found = re.search(rb'href="(/program/\d+)"', body)
    if status != 200 or not found:
        raise SystemExit(f"no program link on /program (status {status})")
    return found.group(1).decode()


def run_lighthouse(binary, chrome, url, report_path):
    """One Lighthouse run with its mobile defaults; return the parsed report."""
    command = [
        str(binary),
        url,
        "--only-categories=performance,accessibility",
        "--output=json",
        f"--output-path={report_path}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": chrome}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        output, _ = process.communicate(timeout=300)
    except BaseException:
        # Lighthouse closes its Chromium on SIGINT; a kill would orphan it.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    if process.returncode or not Path(report_path).exists():
        say(output[-3000:])
        raise SystemExit(f"lighthouse failed on {url} ({process.returncode})")
    report = json.loads(Path(report_path).read_text())
    if report.get("runtimeError"):
        raise SystemExit(f"lighthouse on {url}: {report['runtimeError']}")
    return report


def lost_points(report, category):
    """The audits of ``category`` that did not score full marks."""
    audits = report["audits"]
    lines = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            shown = audit.get("displayValue") or ""
            lines.append(
                f"    {ref['id']}: score {audit['score']:.2f}, weight "
                f"{ref['weight']} {shown}".rstrip()
            )
    return lines


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reports",
        type=Path,
        help="keep the JSON reports in this folder (default: a temporary one)",
    )
    return parser.parse_args()


def measure(options, workdir):
    """Seed, serve, run Lighthouse on each page; return True when all pass."""
    binary, chrome = lighthouse_binary(), chrome_path()
    env = app_env(f"sqlite:///{Path(workdir) / 'kerapu.sqlite'}", "production")
    started = time.perf_counter()
    flask(env, "kerapu", "setup")
    say(
        f"Seeded a scratch SQLite database (flask kerapu setup) in "
        f"{time.perf_counter() - started:.0f} s"
    )
    reports = options.reports or Path(workdir)
    reports.mkdir(parents=True, exist_ok=True)
    rows, notes, passed = [], [], True
    with gunicorn(env, workdir) as (port, _):
        pages = [("Beranda", "/"), ("Program", "/program")]
        pages.append(("Detail", detail_path(port)))
        for name, path in pages:
            url = f"http://127.0.0.1:{port}{path}"
            report_path = reports / f"lighthouse-{name.lower()}.json"
            report = run_lighthouse(binary, chrome, url, report_path)
            categories, audits = report["categories"], report["audits"]
            performance = categories["performance"]["score"]
            accessibility = categories["accessibility"]["score"]
            ok = (
                performance is not None
                and accessibility is not None
                and performance >= TARGET_PERFORMANCE
                and accessibility >= TARGET_ACCESSIBILITY
            )
            passed = passed and ok
            weight = audits["total-byte-weight"]["numericValue"]
            metrics = [audits[audit_id]["displayValue"] for _, audit_id in METRICS]
            rows.append(
                (
                    f"{name} {path}",
                    f"{performance:.2f}",
                    f"{accessibility:.2f}",
                    f"{weight:,.0f} B",
                    *metrics,
                    verdict(ok),
                )
            )
            for category, score, bar in (
                ("performance", performance, TARGET_PERFORMANCE),
                ("accessibility", accessibility, TARGET_ACCESSIBILITY),
            ):
                if score is None or score < bar:
                    notes.append(f"  {name} {path}, {category}: points lost on")
                    notes.extend(lost_points(report, category))
    say(
        f"Lighthouse {LIGHTHOUSE_VERSION}, mobile, simulated throttling; bars: "
        f"performance >= {TARGET_PERFORMANCE}, accessibility = "
        f"{TARGET_ACCESSIBILITY:.1f}"
    )
    table(
        [
            "page",
            "perf",
            "a11y",
            "total-byte-weight",
            *(label for label, _ in METRICS),
            "",
        ],
        rows,
        "lrrr" + "r" * len(METRICS) + "l",
    )
    for line in notes:
        say(line)
    if options.reports:
        say(f"JSON reports in {reports}")
    return passed


def main():
    options = parse_args()
    # Stop cleanly (gunicorn, scratch database) on kill as on Ctrl-C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    workdir = tempfile.mkdtemp(prefix="kerapu-lighthouse-")
    try:
        passed = measure(options, workdir)
    except KeyboardInterrupt:
        say("\ninterrupted: gunicorn stopped, scratch database removed")
        return 130
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
