"""Write a local instance/config.py with a fresh random SECRET_KEY."""

import secrets
import sys

path = sys.argv[1]
with open(path, "x", encoding="utf-8") as handle:
    handle.write(
        "# Local settings for this machine; never committed. See kerapu/config.py.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
    )
print(f"wrote {path} with a new SECRET_KEY")
