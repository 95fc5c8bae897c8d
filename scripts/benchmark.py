"""Measure the app at the size of a real company, in a database of its own.

    .venv/bin/python scripts/benchmark.py [--runs 30]

Builds 10,000 people in a deep reporting tree, three ladders (one of 3 tracks x 12
levels x 20 competencies), 100,000 decided proposals with their events across 20
past cycles and an open cycle of 2,000; then measures each key page in-process
(median, 95th percentile and queries) beside two references taken in the same
run (a minimal signed-in page, and Django admin's change list of proposals at the
same page size), and throughput under gunicorn with wrk on loopback. The table,
with the machine it ran on, is written to docs/performance.md.

After a code change, `--reuse` measures the database the last run built. Each size can
keep a database of its own (`BENCH_DB=bench_30k ... --people 30000`), to be measured
again with the same code as the others.

Not part of the test suite: numbers are measured, never asserted.
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = os.environ.get("BENCH_DB", "career_ladders_bench")
if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", BENCH_DB):
    sys.exit(f"BENCH_DB={BENCH_DB!r}: name the database in lowercase letters, digits and _.")
BENCH_URL = f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}"
os.environ.update(
    DATABASE_URL=BENCH_URL,
    DJANGO_SETTINGS_MODULE="config.settings",
    DEBUG="false",
    SECRET_KEY="benchmark-only-" + "k" * 60,
    ALLOWED_HOSTS="testserver,127.0.0.1",
    HTTPS_ONLY="false",
    ENV_FILE=str(ROOT / "no.env"),
    LOG_LEVEL="ERROR",
    DATABASE_CONN_MAX_AGE="60",
)

PEOPLE = 10_000
FAN_OUT = 6  # reports per manager: 10,000 people make a tree 6 layers deep
HISTORY = 100_000
PAST_CYCLES = 20
OPEN_QUEUE = 2_000
PASSWORD = "bench-password"  # noqa: S105 (a throwaway database)


def recreate_database():
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {BENCH_DB}")


def build():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.utils import timezone

    from ladders.ladder_format import read_file
    from ladders.models import Level
    from ladders.services.versions import ladder_import, version_publish
    from people.models import (
        CalibrationCycle,
        LevelChange,
        Person,
        Proposal,
        ProposalEvent,
    )
    from tests.ladders.conftest import ladder_data

    call_command("migrate", verbosity=0)
    big = ladder_data(slug="engineering", tracks=3, levels=12, competencies=20)
    for data in (
        big,
        read_file((ROOT / "ladders/demo/design.yaml").read_bytes(), "design.yaml"),
        read_file((ROOT / "ladders/demo/people-operations.yaml").read_bytes(), "p.yaml"),
    ):
        version_publish(version=ladder_import(data=data, user=None), user=None, note="v1")
    ic = list(
        Level.objects.filter(version__ladder__slug="engineering", track__key="ic").order_by("grade")
    )
    mgmt = list(
        Level.objects.filter(version__ladder__slug="engineering", track__key="management").order_by(
            "grade"
        )
    )
    User = get_user_model()
    hashed = make_password(PASSWORD)
    User.objects.bulk_create(
        (
            User(username=f"p{i}@example.com", email=f"p{i}@example.com", password=hashed)
            for i in range(PEOPLE)
        ),
        batch_size=2000,
    )
    users = dict(User.objects.values_list("username", "pk"))
    people = Person.objects.bulk_create(
        (
            Person(
                user_id=users[f"p{i}@example.com"],
                name=f"Person {i:05d}",
                email=f"p{i}@example.com",
                is_hr=i == 1,
            )
            for i in range(PEOPLE)
        ),
        batch_size=2000,
    )
    for i, person in enumerate(people):
        if i:
            person.manager_id = people[(i - 1) // FAN_OUT].pk
        is_manager = i * FAN_OUT + 1 < PEOPLE
        person.level_id = (mgmt[min(len(mgmt) - 1, 3)] if is_manager else ic[i % 6]).pk
    Person.objects.bulk_update(people, ["manager", "level"], batch_size=2000)
    long_ago = timezone.now() - timedelta(days=800)
    LevelChange.objects.bulk_create(
        (
            LevelChange(person=p, level_id=p.level_id, source="import", changed_at=long_ago)
            for p in people
        ),
        batch_size=5000,
    )

    ladder = ic[0].version.ladder
    hr = people[1]
    today = date.today()
    cycles = [
        CalibrationCycle(
            ladder=ladder,
            name=f"Cycle {n + 1}",
            starts_on=today - timedelta(days=30 * (PAST_CYCLES - n) + 20),
            ends_on=today - timedelta(days=30 * (PAST_CYCLES - n)),
            effective_on=today - timedelta(days=30 * (PAST_CYCLES - n) - 5),
            status="closed",
            opened_by=hr,
        )
        for n in range(PAST_CYCLES)
    ]
    CalibrationCycle.objects.bulk_create(cycles)
    open_cycle = CalibrationCycle.objects.create(
        ladder=ladder,
        name="Open cycle",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=20),
        effective_on=today + timedelta(days=40),
        opened_by=hr,
    )
    open_cycle.calibrators.set([people[0], people[2], hr])
    now = timezone.now()
    leaves = [p for i, p in enumerate(people) if i * FAN_OUT + 1 >= PEOPLE]

    def proposal(i, person, cycle, state):
        level = ic[i % 6]
        return Proposal(
            person=person,
            author=person,
            kind="promotion",
            ladder=ladder,
            track_key="ic",
            current_level=level,
            target_level=ic[i % 6 + 1],
            pinned_version=level.version,
            state=state,
            cycle=cycle,
            created_at=now - timedelta(days=60),
            submitted_at=now - timedelta(days=50),
            level_since=now - timedelta(days=800),  # as the level changes above
            decided_at=now - timedelta(days=20) if state in ("approved", "not_approved") else None,
            decided_by=hr if state in ("approved", "not_approved") else None,
            applied_at=now - timedelta(days=10) if state == "approved" else None,
        )

    past = Proposal.objects.bulk_create(
        (
            proposal(
                i,
                leaves[i % len(leaves)],
                cycles[i % PAST_CYCLES],
                "approved" if i % 3 else "not_approved",
            )
            for i in range(HISTORY)
        ),
        batch_size=5000,
    )
    events = (
        ProposalEvent(proposal=p, actor=p.person, action=action, from_state=a, to_state=b, at=now)
        for p in past
        for action, a, b in (
            ("created", "", "draft"),
            ("submitted", "draft", "submitted"),
            ("endorsed", "submitted", "endorsed"),
            ("entered calibration", "endorsed", "in_calibration"),
            (p.state, "in_calibration", p.state),
        )
    )
    ProposalEvent.objects.bulk_create(events, batch_size=10_000)
    queue = Proposal.objects.bulk_create(
        proposal(i, leaves[i], open_cycle, "in_calibration") for i in range(OPEN_QUEUE)
    )
    # A year of quarterly check-ins for everyone, as the demo has them.
    from people.demo.checkins import seed_check_ins

    seed_check_ins(today=today, engineer_email=leaves[1].email)
    return {"cycle": open_cycle, "queue": queue, "hr": hr, "manager": people[2], "leaf": leaves[0]}


def existing_world():
    """The world ``build`` made, found again in the database it left (``--reuse``)."""
    from people.models import CalibrationCycle, Person

    cycle = CalibrationCycle.objects.get(status="open")
    return {
        "cycle": cycle,
        "queue": list(cycle.proposals.filter(state="in_calibration").order_by("pk")),
        "hr": Person.objects.get(name="Person 00001"),
        "manager": Person.objects.get(name="Person 00002"),
        "leaf": Person.objects.filter(reports__isnull=True).order_by("name").first(),
    }


def measure(world, runs, only=""):
    """Each page timed ``runs`` times, interleaved with the floor (floor, page, floor,
    page...), so that each page's ratio is taken under the load of its own moment."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    def client_of(user):
        client = Client()
        client.force_login(user)
        return client

    hr_client = client_of(world["hr"].user)
    calibrator = client_of(world["manager"].user)
    engineer = client_of(world["leaf"].user)
    admin_user = get_user_model().objects.filter(username="admin@example.com").first()
    admin = client_of(
        admin_user
        or get_user_model().objects.create_superuser("admin@example.com", "admin@example.com", "x")
    )
    cycle, proposal, leaf = world["cycle"], world["queue"][0], world["leaf"]
    queue = f"/cycles/{cycle.uid}/"
    htmx = {"HX-Request": "true"}
    floor = ("Floor: a minimal signed-in page", hr_client, "/accounts/password/done/", {}, {})
    pages = [
        ("Django admin: proposals change list (50)", admin, "/admin/people/proposal/", {}, {}),
        ("Ladder page (3 tracks x 12 levels)", hr_client, "/ladders/engineering/", {}, {}),
        ("Level compare", hr_client, "/ladders/engineering/compare/", {"a": "IC3", "b": "IC4"}, {}),
        ("Directory search (HR)", hr_client, "/people/", {"q": "Person 01"}, {}),
        ("Directory search (manager, deep tree)", calibrator, "/people/", {"q": "Person 01"}, {}),
        ("Calibration queue, first page", calibrator, queue, {}, {}),
        ("Calibration queue, filtered", calibrator, queue, {"grade": "3", "q": "Person 09"}, {}),
        ("Calibration queue, sorted by time in level", calibrator, queue, {"sort": "time"}, {}),
        ("Calibration queue, htmx fragment", calibrator, queue, {"sort": "time"}, htmx),
        ("Proposal page", calibrator, f"/proposals/{proposal.uid}/", {}, {}),
        ("Home page (calibrator)", calibrator, "/", {}, {}),
        ("Home page (engineer)", engineer, "/", {}, {}),
        ("Where I stand (growth page)", engineer, f"/people/{leaf.uid}/growth/", {}, {}),
        ("Team view (manager)", calibrator, "/team/growth/", {}, {}),
        ("Calibration dashboard", calibrator, f"/cycles/{cycle.uid}/insights/", {}, {}),
        ("Parity report (HR)", hr_client, "/insights/parity/", {"ladder": "engineering"}, {}),
        ("Check-ins by team (HR)", hr_client, "/insights/check-ins/", {}, {}),
    ]

    def call(page):
        _, client, url, params, headers = page
        return lambda: client.get(url, params, headers=headers)

    results = []
    for page in [pages[0], *(p for p in pages[1:] if only.lower() in p[0].lower())]:
        results.append((page[0], *time_interleaved(call(floor), call(page), runs)))
    if only.lower() not in "htmx decision on the queue (post)":
        return results
    # An htmx decision on the queue: each run approves another proposal inline.
    decisions = iter(world["queue"][1 : 2 * runs + 6])

    def decide():
        p = next(decisions)
        return calibrator.post(
            f"/proposals/{p.uid}/decide/?from=queue",
            {"revision": p.revision, "decision": "approve"},
            headers=htmx,
        )

    results.append(
        ("htmx decision on the queue (POST)", *time_interleaved(call(floor), decide, runs))
    )
    return results


def _timed(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return elapsed, len(captured)


def time_interleaved(floor, call, runs):
    """(median ms, p95 ms, queries, floor median ms, ratio median, ratio p25, ratio p75):
    the ratio of each run to the floor timed just before it."""
    for _ in range(3):
        floor(), call()
    floors, timings, queries = [], [], 0
    for _ in range(runs):
        floors.append(_timed(floor)[0])
        elapsed, queries = _timed(call)
        timings.append(elapsed)
    ratios = sorted(t / f for t, f in zip(timings, floors, strict=True))
    quartiles = statistics.quantiles(ratios, n=4)
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        statistics.median(timings),
        p95,
        queries,
        statistics.median(floors),
        statistics.median(ratios),
        quartiles[0],
        quartiles[2],
    )


def find_wrk() -> str:
    """wrk, installed from Debian's packages when missing (as the tests install
    Chromium): a missing tool is never a result."""
    if not shutil.which("wrk"):
        print("Installing wrk from Debian's packages...")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, capture_output=True)
    return shutil.which("wrk") or sys.exit("wrk could not be installed: apt-get install wrk")


def _resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def throughput(world, seconds=10):
    """Requests per second under gunicorn (one worker per core) with wrk on loopback,
    the floor page beside the queue; and a worker's resident memory after the run."""
    from django.contrib.sessions.backends.db import SessionStore

    wrk = find_wrk()
    user = world["manager"].user
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "people.auth.PersonBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session["_seen"] = int(time.time())
    session.create()
    workers = os.cpu_count() or 1
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            "127.0.0.1:8765",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        time.sleep(4)
        base = "http://127.0.0.1:8765"
        queue = f"{base}/cycles/{world['cycle'].uid}/"
        out = []
        for label, url, extra in (
            ("Floor page", f"{base}/accounts/password/done/", []),
            ("Calibration queue page", queue, []),
            ("Queue fragment (htmx)", queue, ["-H", "HX-Request: true"]),
        ):
            result = subprocess.run(
                [wrk, "-t2", "-c8", f"-d{seconds}s", "-H",
                 f"Cookie: sessionid={session.session_key}", *extra, url],
                capture_output=True,
                text=True,
                check=True,
            )  # fmt: skip
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))
            latency = re.search(r"Latency\s+(\S+)", result.stdout).group(1)
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
            out.append(
                (label, rps, latency if not non2xx else f"{latency} ({non2xx.group(1)} errors)")
            )
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        memory = max((_resident_mb(int(pid)) for pid in children), default=0.0)
        return out, memory
    finally:
        server.terminate()
        server.wait(timeout=20)


def machine():
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB memory, "
        f"Python {platform.python_version()}, PostgreSQL {pg}, "
        f"{platform.system()} {platform.release()}"
    )


def write_report(built_seconds, pages, load, runs, *, write=True):
    (rows, memory) = load
    admin = pages[0]
    admin_ratio = admin[5]
    lines = [
        "# Performance",
        "",
        "Measured by `scripts/benchmark.py` (not part of the test suite) on "
        f"{date.today():%d %B %Y}, on: {machine()}.",
        "",
        f"Data: {PEOPLE:,} people in a reporting tree {FAN_OUT} wide, three ladders "
        f"(one of 3 tracks x 12 levels x 20 competencies), {HISTORY:,} decided proposals with "
        f"{HISTORY * 5:,} events across {PAST_CYCLES} past cycles, an open cycle of "
        f"{OPEN_QUEUE:,}, and a year of quarterly agreed check-ins for everyone (the demo's). "
        + (
            f"Building it took {built_seconds:.0f} s."
            if built_seconds is not None
            else "It was built by an earlier run (--reuse)."
        ),
        "",
        "Latency in-process through Django's whole stack (middleware, sessions, templates). "
        f"Each page is timed {runs} times after 3 warm-ups, each time right after the floor "
        "(a minimal signed-in page: the session and the user with their person, 2 queries), "
        "and its ratio is the median of those pairs, with the middle half of them beside it. "
        "Targets: key pages within 3x the floor and faster than the admin change list; "
        "dashboards within 5x the floor.",
        "",
        "| Page | Median (ms) | p95 (ms) | Queries | Floor (ms) | x floor | middle half | "
        "vs admin |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, median_ms, p95, queries, floor, ratio, low, high in pages:
        lines.append(
            f"| {label} | {median_ms:.1f} | {p95:.1f} | {queries} | {floor:.1f} | {ratio:.1f} | "
            f"{low:.1f}-{high:.1f} | {ratio / admin_ratio:.2f} |"
        )
    lines += [
        "",
        "Throughput under gunicorn on loopback (wrk, 2 threads, 8 connections, 10 s), "
        f"{os.cpu_count()} workers; a worker's resident memory after the run: {memory:.0f} MB.",
        "",
        "| Page | Requests/s | Mean latency | Share of the floor's |",
        "| --- | ---: | ---: | ---: |",
    ]
    floor_rps = rows[0][1]
    for label, rps, latency in rows:
        lines.append(f"| {label} | {rps:.1f} | {latency} | {rps / floor_rps:.2f} |")
    print("\n".join(lines))
    if not write:
        return
    path = ROOT / "docs" / "performance.md"
    existing = path.read_text() if path.exists() else ""
    notes = existing.split("<!-- notes -->", 1)[1] if "<!-- notes -->" in existing else "\n"
    path.write_text("\n".join(lines) + "\n\n<!-- notes -->" + notes)


def main():
    global PEOPLE, HISTORY, OPEN_QUEUE
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--people", type=int, default=PEOPLE, help="company size (proposals grow with it)"
    )
    parser.add_argument(
        "--print-only", action="store_true", help="print the tables; leave docs/ alone"
    )
    parser.add_argument(
        "--only", default="", help="measure only the pages whose name holds this (and the admin)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the database the last run built (after a code change), not a new one",
    )
    args = parser.parse_args()
    HISTORY = HISTORY * args.people // PEOPLE
    OPEN_QUEUE = min(OPEN_QUEUE, args.people // 2)
    PEOPLE = args.people
    if not args.reuse:
        recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    start = time.perf_counter()
    if args.reuse:
        call_command("migrate", verbosity=0)
        world = existing_world()
    else:
        world = build()
    # The past cycles were written closed, not closed through the workflow, which counts
    # each one's proposals for the insights: count them as `tally_cycles` does after an
    # upgrade (a database built before tallies existed gets them here too).
    call_command("tally_cycles")
    # A database that has lived with this data has been vacuumed and has statistics:
    # autovacuum does both as rows change (without statistics the planner guesses a
    # quarter of the rows). The build rewrites each person several times in a row (a
    # check-in's agreement, its ratings), with no autovacuum between, which leaves the
    # people table ten times its size, its dead rows read by every scan; and this
    # machine's PostgreSQL runs without autovacuum. So the build's leftovers are
    # cleared here, as they would have been in time.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (FULL, ANALYZE)")
    built = None if args.reuse else time.perf_counter() - start
    if built is not None:
        print(f"Built in {built:.0f} s")
    # Production settings serve hashed static files: collect them as a deployment would.
    call_command("collectstatic", interactive=False, verbosity=0)
    pages = measure(world, args.runs, args.only)
    if args.only:
        for label, median_ms, _, queries, _, ratio, low, high in pages:
            print(f"{label}: {median_ms:.1f} ms, {queries} queries, {ratio:.1f}x", (low, high))
        return
    load = throughput(world)
    write_report(built, pages, load, args.runs, write=not args.print_only)


if __name__ == "__main__":
    main()
