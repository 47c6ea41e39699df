"""Load benchmark (issue 7): locust, headless, against gunicorn with PostgreSQL, on 127.0.0.1.

Run: ``python -m bench.bench_load [--users 50 --seconds 60 --spawn-rate 10 --workers 4]``.

Steps: drop and recreate the PostgreSQL database ``wisselstage_load`` (``--db``), migrate it,
build the demo cohort (``seed_demo``), collect static files into a temp dir, start gunicorn
(``-w 4``) on a free port of 127.0.0.1, run ``locust --headless`` with ``bench/locustfile.py``
(participants, coordinators and a /healthz checker in the same run), then print one table
from locust's ``_stats.csv``: requests, failures, req/s, p50/p95/p99 per page group, the
/healthz baseline and the aggregate. Exits 1 when any request failed (or a step failed).
Gunicorn is stopped at the end, also on failure or Ctrl+C.

The server runs in production mode (DEBUG off, whitenoise manifest storage, secure cookies,
two-factor off for the demo coordinator), with STATIC_ROOT pointed at a temp dir. The users
speak plain http to gunicorn, as a TLS-terminating proxy would.
"""

from __future__ import annotations

import argparse
import csv
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def recreate_database(name: str) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(dbname="postgres", connect_timeout=5, **PG)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def server_env(db: str, static_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "wisselstage.settings",
        "STATIC_ROOT": str(static_root),
        "DEBUG": "false",
        "WISSELSTAGE_TESTING": "",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": "https://127.0.0.1",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "SECURE_SSL_REDIRECT": "false",
        "REQUIRE_TWO_FACTOR": "false",
        "TRUSTED_PROXY_COUNT": "0",  # no proxy in front: rate limits key on the peer address
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{db}",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    proc = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:  # noqa: S310 - http://127.0.0.1 only
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout:.0f} s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)  # gunicorn: graceful shutdown of master and workers
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


def fmt_ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def print_table(stats_csv: Path) -> int:
    """Print the table; return the total number of failures (from the Aggregated row)."""
    with stats_csv.open(newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise SystemExit(f"{stats_csv} is empty")

    def order(row):
        name = row["Name"]
        if name == "Aggregated":
            return 4, name
        if name == "/healthz":
            return 3, name
        return (0 if name.startswith("login") else 2 if name.startswith("coord") else 1), name

    rows.sort(key=order)
    width = max(len(r["Name"]) for r in rows) + 2
    header = (f"{'name':<{width}}{'requests':>9}{'failures':>9}{'req/s':>8}"
              f"{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}")
    print(header)
    print("-" * len(header))
    failures = 0
    for row in rows:
        name = row["Name"]
        if name == "Aggregated" or name == "/healthz":
            print("-" * len(header))
        print(f"{name:<{width}}{int(row['Request Count']):>9}{int(row['Failure Count']):>9}"
              f"{float(row['Requests/s']):>8.1f}{fmt_ms(row['50%']):>8}{fmt_ms(row['95%']):>8}"
              f"{fmt_ms(row['99%']):>8}{fmt_ms(row['Max Response Time']):>8}")
        if name == "Aggregated":
            failures = int(row["Failure Count"])
    pages = [r for r in rows if r["Name"] not in ("Aggregated", "/healthz")]
    page_rps = sum(float(r["Requests/s"]) for r in pages if not r["Name"].startswith("login"))
    print(f"\npages (without login and /healthz): {page_rps:.1f} req/s")
    return failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--db", default="wisselstage_load")
    parser.add_argument("--coordinators", type=int, default=3)
    parser.add_argument("--health-checkers", type=int, default=2)
    parser.add_argument("--wait", default="0.5,1.5", help="think time MIN,MAX seconds")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (csv, logs)")
    args = parser.parse_args(argv)
    if args.users <= args.coordinators + args.health_checkers:
        parser.error("--users must exceed --coordinators + --health-checkers")

    tmp = Path(tempfile.mkdtemp(prefix="wisselstage-load-"))
    env = server_env(args.db, tmp / "static")
    gunicorn = None
    log = None
    ok = False
    try:
        t0 = time.monotonic()
        print(f"database {args.db}: drop, create, migrate, seed_demo ...", flush=True)
        recreate_database(args.db)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "seed_demo")
        manage(env, "collectstatic", "--no-input", "-v", "0")
        cohort_pk = manage(env, "shell", "-c",
                           "from cohorts.demo import COHORT_NAME; "
                           "from cohorts.models import Cohort; "
                           "print('cohort_pk', Cohort.objects.get(name=COHORT_NAME).pk)")
        cohort_pk = cohort_pk.split("cohort_pk", 1)[1].split()[0]
        print(f"  ready in {time.monotonic() - t0:.0f} s; demo cohort pk {cohort_pk}", flush=True)

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        log = (tmp / "gunicorn.log").open("w")
        gunicorn = subprocess.Popen(
            [str(BIN / "gunicorn"), "wisselstage.wsgi:application", "-w", str(args.workers),
             "-b", f"127.0.0.1:{port}", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(f"{host}/healthz", gunicorn)
        print(f"gunicorn -w {args.workers} on {host}; locust: {args.users} users "
              f"({args.coordinators} coordinators, {args.health_checkers} /healthz, the rest "
              f"participants), spawn {args.spawn_rate}/s, {args.seconds} s, "
              f"think time {args.wait} s", flush=True)

        locust_env = {**os.environ, "LOAD_COHORT_PK": cohort_pk,
                      "LOAD_COORDINATORS": str(args.coordinators),
                      "LOAD_HEALTH_CHECKERS": str(args.health_checkers), "LOAD_WAIT": args.wait}
        prefix = tmp / "load"
        proc = subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.seconds}s",
             "--host", host, "--csv", str(prefix), "--only-summary", "--stop-timeout", "5",
             "--loglevel", "WARNING"],
            cwd=ROOT, env=locust_env, capture_output=True, text=True,
            timeout=args.seconds + 120)
        stats = prefix.with_name("load_stats.csv")
        if not stats.exists():
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n")
            raise SystemExit(f"locust wrote no {stats} (exit {proc.returncode})")
        print()
        failures = print_table(stats)
        failures_csv = prefix.with_name("load_failures.csv")
        if failures:
            print(f"\nFAILED: {failures} request(s) failed:")
            with failures_csv.open(newline="") as f:
                for row in csv.DictReader(f):
                    print(f"  {row['Occurrences']:>5} x {row['Method']} {row['Name']}: "
                          f"{row['Error'][:200]}")
        else:
            print("errors: 0")
            ok = True
        return 1 if failures else 0
    finally:
        stop(gunicorn)
        if log is not None:
            log.close()
        if args.keep or not ok:
            print(f"(kept {tmp}: locust csv, gunicorn.log)")
        else:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
