"""Group commit: concurrent writers in one process share one transaction (issue 20).

A commit is the dearest part of a small write: PostgreSQL waits for its WAL flush, SQLite writes its WAL frames and
takes the database's one write lock. When several requests of one worker process write at once, the first to find
the committer free becomes the leader: it takes every job queued so far, runs them in one transaction and commits;
the others wait for that commit and return with their results. Nobody waits for a timer — a lone request commits at
once, as before — and the more requests arrive together, the more share a commit.

A job's result is known only after the shared commit: a caller answers its client after `submit` returns, so an
acknowledged write is durable. If the batch fails as a whole, every job in it carries the error and nothing of it
was stored (the transaction rolled back): each caller then takes its slow, one-at-a-time path.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any


class Job:
    """One write waiting for a commit: `run_batch` sets `result` (or `error`) on it."""

    __slots__ = ("done", "error", "params", "result")

    def __init__(self, params: Any):
        self.params = params
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False


class GroupCommitter:
    """`run_batch(jobs)` writes the jobs in one transaction and sets each job's result; it raises to fail them all."""

    def __init__(self, run_batch: Callable[[list[Job]], None],
                 gate: Callable[[], AbstractContextManager] | None = None):
        self._run_batch = run_batch
        # Entered by the leader before it takes the queue (a lock shared with other processes): what arrives while
        # it waits there joins its batch.
        self._gate = gate or nullcontext
        self._commit_lock = threading.Lock()  # one leader at a time
        self._queue_lock = threading.Lock()
        self._queue: list[Job] = []
        self.batches = 0  # counters for the benchmark's report
        self.jobs = 0

    def submit(self, job: Job) -> Job:
        with self._queue_lock:
            self._queue.append(job)
        with self._commit_lock:
            if job.done:  # a leader committed it while we waited
                return job
            batch: list[Job] = [job]
            try:
                with self._gate():
                    with self._queue_lock:
                        batch, self._queue = self._queue, []
                    self._run_batch(batch)
            except Exception as exc:  # each caller decides what a failed batch means for it
                for queued in batch:
                    queued.error = exc
            finally:
                self.batches += 1
                self.jobs += len(batch)
                for queued in batch:
                    queued.done = True
        return job
