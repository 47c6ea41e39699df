"""Run the outbox without Celery beat (`make run` without Redis): every few seconds return
stuck rows and dispatch due ones. In eager mode dispatching sends in this process.

It is the only periodic loop without beat, so it also fails match runs left running by a web
process that died (without Redis, runs are computed in the request)."""

import signal
import time

from django.core.management.base import BaseCommand

from matching.services import match_runs_reap_stuck
from notifications.services import outbox_dispatch_due, outbox_reap_stuck


class Command(BaseCommand):
    help = "Verstuur geplande e-mails uit de outbox, elke paar seconden, tot onderbreking."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0,
                            help="Seconden tussen twee rondes (standaard 5).")
        parser.add_argument("--once", action="store_true", help="Eén ronde en dan stoppen.")

    def handle(self, *args, interval: float, once: bool, **options):
        self._stop = False
        signal.signal(signal.SIGTERM, self._request_stop)
        try:
            while True:
                self._round(options["verbosity"])
                if once or self._stop:
                    return
                deadline = time.monotonic() + interval
                while not self._stop and time.monotonic() < deadline:
                    time.sleep(min(0.2, interval))
                if self._stop:
                    return
        except KeyboardInterrupt:
            return

    def _request_stop(self, signum, frame) -> None:
        self._stop = True

    def _round(self, verbosity: int) -> None:
        reaped = outbox_reap_stuck()
        dispatched = outbox_dispatch_due()
        if verbosity >= 2 or (verbosity >= 1 and (reaped or dispatched)):
            self.stdout.write(f"outbox: {dispatched} verstuurd/ingepland, "
                              f"{reaped} vastgelopen teruggezet")
        runs_failed = match_runs_reap_stuck()
        if verbosity >= 1 and runs_failed:
            self.stdout.write(f"matching: {runs_failed} vastgelopen berekening(en) mislukt")
