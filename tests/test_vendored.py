"""Vendored files stay the pinned versions."""

import hashlib
import pathlib
import re

STATIC = pathlib.Path(__file__).parent.parent / "static"


def test_htmx_is_the_pinned_version():
    table = (STATIC / "VENDORED.md").read_text()
    pinned = re.search(r"`htmx\.min\.js` .*\| ([0-9a-f]{64}) \|", table).group(1)

    digest = hashlib.sha256((STATIC / "htmx.min.js").read_bytes()).hexdigest()

    assert digest == pinned
