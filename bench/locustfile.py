"""Locust scenario for ``bench.bench_load`` (``make bench-load``).

Three kinds of simulated user:

* ``Participant`` logs in as deelnemer01..28 (round robin, so more users than accounts share
  accounts in separate sessions) and browses the participant pages of the demo cohort;
* ``Coordinator`` logs in as the demo coordinator and browses the coordinator pages;
* ``HealthChecker`` only hits ``/healthz``: the baseline, measured in the same run.

Login goes through allauth's form (GET the form, take csrfmiddlewaretoken, POST it). URLs are
grouped with ``name=`` so the stats have one row per page, not one per id.

Environment (set by ``bench.bench_load``):
  LOAD_COHORT_PK       pk of the demo cohort (required)
  LOAD_COORDINATORS    number of coordinator users (default 3)
  LOAD_HEALTH_CHECKERS number of /healthz users (default 2)
  LOAD_WAIT            think time "MIN,MAX" in seconds for page users (default "0.5,1.5")

A request counts as failed when the final status is not 200 or when it ended on the login
or two-factor page (a lost session would otherwise look like a fast success).
"""

from __future__ import annotations

import itertools
import os
import re
from http.cookiejar import DefaultCookiePolicy

from locust import HttpUser, between, constant, task

# Production sets Secure (``__Host-``) cookies; the benchmark speaks plain http to gunicorn on
# 127.0.0.1, as the TLS-terminating proxy would. The client (this locust process only) must
# therefore send Secure cookies over http. A policy on the session's jar is not enough:
# requests merges cookies into a fresh jar with the default policy for every request, so the
# check is switched off for the class.
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True

COHORT_PK = os.environ.get("LOAD_COHORT_PK", "1")
PASSWORD = "wisselstage-demo"  # noqa: S105 - the public demo password (cohorts.demo)
DOMAIN = "demo.wisselstage.nl"
PARTICIPANT_ACCOUNTS = 28
_WAIT = [float(x) for x in os.environ.get("LOAD_WAIT", "0.5,1.5").split(",")]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
_participant_numbers = itertools.count()


def _check(response, *, json_ok: bool = False) -> None:
    path = response.url.split("://", 1)[-1].partition("/")[2]
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}")
    elif path.startswith(("accounts/login", "accounts/2fa")):
        response.failure(f"ended on /{path.split('?')[0]} (not logged in)")
    elif json_ok and '"status": "ok"' not in response.text:
        response.failure(f"unhealthy: {response.text[:80]}")
    else:
        response.success()


class _LoggedInUser(HttpUser):
    abstract = True
    wait_time = between(*_WAIT)

    def email(self) -> str:
        raise NotImplementedError

    def on_start(self) -> None:
        with self.client.get("/accounts/login/", name="login (GET form)",
                             catch_response=True) as form:
            match = CSRF_RE.search(form.text)
            if form.status_code != 200 or not match:
                form.failure("login form without csrfmiddlewaretoken")
                return
            form.success()
        with self.client.post(
            "/accounts/login/", name="login (POST)", catch_response=True,
            data={"csrfmiddlewaretoken": match.group(1), "login": self.email(),
                  "password": PASSWORD},
            headers={"Referer": f"{self.host}/accounts/login/"},
        ) as response:
            _check(response)

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            _check(response)


class Participant(_LoggedInUser):
    weight = 1

    def email(self) -> str:
        number = next(_participant_numbers) % PARTICIPANT_ACCOUNTS + 1
        return f"deelnemer{number:02d}@{DOMAIN}"

    @task
    def home(self):
        self.page("/", "/ (home)")

    @task
    def cohort(self):
        self.page(f"/cohorten/{COHORT_PK}/", "/cohorten/[pk]/")

    @task
    def profile(self):
        self.page(f"/cohorten/{COHORT_PK}/profiel/", "/cohorten/[pk]/profiel/")

    @task
    def preferences(self):
        self.page(f"/cohorten/{COHORT_PK}/voorkeuren/", "/cohorten/[pk]/voorkeuren/")

    @task
    def meetings(self):
        self.page(f"/cohorten/{COHORT_PK}/bijeenkomsten/", "/cohorten/[pk]/bijeenkomsten/")

    @task
    def reflections(self):
        self.page(f"/cohorten/{COHORT_PK}/reflecties/", "/cohorten/[pk]/reflecties/")


class Coordinator(_LoggedInUser):
    fixed_count = int(os.environ.get("LOAD_COORDINATORS", "3"))

    def email(self) -> str:
        return f"coordinator@{DOMAIN}"

    @task
    def cohorts(self):
        self.page("/cohorten/", "coord /cohorten/")

    @task
    def cohort(self):
        self.page(f"/cohorten/{COHORT_PK}/", "coord /cohorten/[pk]/")

    @task
    def invitations(self):
        self.page(f"/cohorten/{COHORT_PK}/uitnodigingen/", "coord /cohorten/[pk]/uitnodigingen/")

    @task
    def matching(self):
        self.page(f"/cohorten/{COHORT_PK}/matching/", "coord /cohorten/[pk]/matching/")

    @task
    def planning(self):
        self.page(f"/cohorten/{COHORT_PK}/planning/", "coord /cohorten/[pk]/planning/")

    @task
    def report(self):
        self.page(f"/cohorten/{COHORT_PK}/rapport/", "coord /cohorten/[pk]/rapport/")


class HealthChecker(HttpUser):
    fixed_count = int(os.environ.get("LOAD_HEALTH_CHECKERS", "2"))
    wait_time = constant(0.5)

    @task
    def healthz(self):
        with self.client.get("/healthz", name="/healthz", catch_response=True) as response:
            _check(response, json_ok=True)
