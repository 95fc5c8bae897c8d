"""Write a development .env (DEBUG on, a fresh random SECRET_KEY) unless one exists."""

import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT = {
    "DEBUG": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "EMAIL_URL": "consolemail://",
    "HTTPS_ONLY": "false",
    "HSTS_SECONDS": "0",
    "SITE_URL": "http://127.0.0.1:8000",
}


def main() -> int:
    target = ROOT / ".env"
    if target.exists():
        return 0
    lines = []
    for line in (ROOT / ".env.example").read_text().splitlines():
        name = line.split("=", 1)[0]
        if not line.startswith("#") and "=" in line and name in DEVELOPMENT:
            line = f"{name}={DEVELOPMENT[name]}"
        elif name == "DATABASE_URL":
            # Left out so scripts/database.py can choose and record one.
            continue
        lines.append(line)
    target.write_text("\n".join(lines) + "\n")
    print(f"Wrote {target.relative_to(ROOT)} for development (DEBUG on, new SECRET_KEY).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
