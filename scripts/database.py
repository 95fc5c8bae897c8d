"""Find a PostgreSQL for the app and make sure its database exists.

In order: DATABASE_URL from the environment or .env; else the PostgreSQL on
127.0.0.1:5432 (started with pg_ctlcluster if this machine has a cluster that is
down); else a project-local cluster under .pgdata/ with PostgreSQL's binaries,
installing Debian's server package first when they are missing (as root, or with
sudo); else a message saying how to get one. The URL chosen is written to
.env so that manage.py, pytest and the dev server all use the same database.
"""

import glob
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import environ
import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / ".env"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/career_ladders"
LOCAL_DIR = ROOT / ".pgdata"
LOCAL_PORT = 5433
LOCAL_URL = f"postgres://postgres@127.0.0.1:{LOCAL_PORT}/career_ladders"


def configured_url() -> str | None:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    if ENV_FILE.exists():
        env = environ.Env()
        environ.Env.read_env(ENV_FILE, overwrite=False)
        return env.str("DATABASE_URL", default=None)
    return None


def server_answers(url: str) -> bool:
    try:
        with psycopg.connect(_maintenance_dsn(url), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def ensure_database(url: str) -> None:
    name = environ.Env.db_url_config(url)["NAME"]
    with psycopg.connect(_maintenance_dsn(url), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created database {name}.")


def _maintenance_dsn(url: str) -> str:
    """The same server, but its 'postgres' database, which always exists."""
    config = environ.Env.db_url_config(url)
    return psycopg.conninfo.make_conninfo(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname="postgres",
    )


def start_system_cluster() -> bool:
    """This machine kind ships a PostgreSQL cluster; start it if it is down."""
    if not shutil.which("pg_ctlcluster") or not Path("/etc/postgresql").is_dir():
        return False
    for version in sorted(os.listdir("/etc/postgresql")):
        print(f"Starting the machine's PostgreSQL {version} cluster...")
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
            check=False,
        )
    return wait_for(DEFAULT_URL)


def start_local_cluster() -> bool:
    """A throwaway cluster under .pgdata/ (git-ignored), trust auth on loopback only."""
    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = shutil.which("initdb") or (binaries[-1] if binaries else None)
    if not initdb:
        return False
    bindir = Path(initdb).parent
    as_postgres = []
    if os.geteuid() == 0:  # initdb refuses to run as root.
        as_postgres = ["runuser", "-u", "postgres", "--"]
    if not (LOCAL_DIR / "PG_VERSION").exists():
        LOCAL_DIR.mkdir(exist_ok=True)
        if as_postgres:
            shutil.chown(LOCAL_DIR, "postgres", "postgres")
        subprocess.run(
            [
                *as_postgres,
                str(initdb),
                "-D",
                str(LOCAL_DIR),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
            ],
            check=True,
        )
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "pg_ctl"),
            "-D",
            str(LOCAL_DIR),
            "-l",
            str(LOCAL_DIR / "server.log"),
            "-o",
            f"-p {LOCAL_PORT} -k {LOCAL_DIR} -h 127.0.0.1",
            "start",
        ],
        check=False,
    )
    return wait_for(LOCAL_URL)


def install_postgresql() -> bool:
    """Debian's server package, as root or through sudo without a password prompt, the
    way `make test` installs Chromium. Its binaries then run the project-local cluster
    (trust auth on loopback), whatever the package's own cluster allows."""
    if not shutil.which("apt-get"):
        return False
    if os.geteuid() == 0:
        as_root = []
    elif (
        shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], check=False).returncode == 0
    ):
        as_root = ["sudo", "-n"]
    else:
        return False
    print("PostgreSQL is not installed: installing Debian's postgresql package...")
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]]
    for step in steps:
        if subprocess.run([*as_root, *step], env=quiet, check=False).returncode != 0:
            return False
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb"))


def wait_for(url: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server_answers(url):
            return True
        time.sleep(0.5)
    return False


def _masked(url: str) -> str:
    config = environ.Env.db_url_config(url)
    return url.replace(f":{config['PASSWORD']}@", ":***@") if config.get("PASSWORD") else url


def remember(url: str) -> None:
    text = ENV_FILE.read_text() if ENV_FILE.exists() else ""
    if "\nDATABASE_URL=" not in f"\n{text}":
        ENV_FILE.write_text(text + f"DATABASE_URL={url}\n")


def main() -> int:
    url = configured_url()
    if url:
        answers = server_answers(url) or (
            (url == DEFAULT_URL and start_system_cluster())
            or (url == LOCAL_URL and start_local_cluster())
        )
        if not answers:
            print(
                f"DATABASE_URL is set to {_masked(url)}, but no PostgreSQL answers there.\n"
                "Start that server, or remove DATABASE_URL to let `make` find one.",
                file=sys.stderr,
            )
            return 1
    elif server_answers(DEFAULT_URL) or start_system_cluster():
        url = DEFAULT_URL
    elif start_local_cluster() or (install_postgresql() and start_local_cluster()):
        url = LOCAL_URL
    else:
        print(
            "No PostgreSQL found, and it could not be installed here (that needs apt-get,\n"
            "as root or with sudo). Either:\n"
            "  - start one on 127.0.0.1:5432 (user postgres), e.g. `docker compose up -d db`;\n"
            "  - install PostgreSQL's binaries (apt-get install postgresql) so `make` can run\n"
            "    a project-local one under .pgdata/;\n"
            "  - or set DATABASE_URL=postgres://user:password@host:port/name.",
            file=sys.stderr,
        )
        return 1
    ensure_database(url)
    remember(url)
    print(f"Database: {_masked(url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
