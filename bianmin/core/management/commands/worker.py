"""`python manage.py worker [--once] [--interval N]`: run the background jobs."""
from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from bianmin.core.jobs import run_once


class Command(BaseCommand):
    help = "Run background sweeps (deadline warnings, …). Safe to run as several processes on PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one sweep of every job and exit.")
        parser.add_argument("--interval", type=float, default=30.0, help="Seconds between sweeps (default 30).")

    def handle(self, *args, once: bool = False, interval: float = 30.0, **options):
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while True:
            results = run_once()
            if once or options.get("verbosity", 1) > 1:
                self.stdout.write(" ".join(f"{k}={v}" for k, v in results.items()))
            if once:
                return
            slept = 0.0
            while slept < interval and not stopping:
                time.sleep(0.5)
                slept += 0.5
            if stopping:
                return
            # Between sweeps, drop connections the database may have closed (restarts, timeouts).
            close_old_connections()
