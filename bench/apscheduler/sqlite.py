# Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
"""bench/sqlite on APScheduler: its SQLAlchemy job store (Debian's python3-sqlalchemy) on a SQLite file.

Three modes, one repetition per invocation:

- `add --n N --seconds S --path FILE`: a started AsyncIOScheduler whose `default` store is
  `SQLAlchemyJobStore(url="sqlite:///FILE")` (a new file) receives up to N jobs
  `add_job("common:noop", IntervalTrigger(hours=1))` with generated ids, from one callback on the event loop, and
  stops early after S seconds; each add returns once the job is committed (one transaction per job: the store has no
  other way), so `sqlite_add_jobs_per_s_aps` is the jobs added over the time from the first add to the last.
  bench/compare uses N = 2,000 and S = 10 in place of asched's 100,000 jobs: at a few hundred jobs a second (tens,
  while other programs write to the same disk), 100,000 would take minutes per repetition.
- `make --n N --path FILE`: writes N such jobs at once (one transaction, rows made by the store's own
  serialisation: `pickle.dumps(job.__getstate__())`), for `start`. Not a measurement.
- `start --n N --path FILE`: from constructing the scheduler and its store (opening the file) through `start()`
  until its first wakeup has looked for due jobs and the next run time: `sqlite_start_s_aps`, and the resident
  memory then, `sqlite_start_rss_mb_aps`. APScheduler loads no job at start (it queries the store at every wakeup),
  where asched loads and arms every job, so the same program also times loading every job once (`get_jobs()`):
  `sqlite_load_all_s_aps`, and the memory after it, `sqlite_load_all_rss_mb_aps`.
"""
import asyncio
import datetime
import os
import pickle
import sys

from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from apscheduler.util import datetime_to_utc_timestamp

import common


def store(path):
    return SQLAlchemyJobStore(url=f"sqlite:///{path}")


async def add(n, limit_s, path):
    sched = common.make_scheduler(jobstores={"default": store(path)})
    sched.start()
    t0 = common.monotonic_s()
    added = 0
    while added < n and common.monotonic_s() - t0 < limit_s:
        sched.add_job("common:noop", IntervalTrigger(hours=1))
        added += 1
    seconds = common.monotonic_s() - t0
    sched.shutdown(wait=False)
    common.progress(
        f"apscheduler sqlite add: {added / seconds:.0f} jobs/s ({added} jobs in {seconds:.3f} s; file "
        f"{os.path.getsize(path) / 2**20:.1f} MB)"
    )
    common.metric("sqlite_add_jobs_per_s", added / seconds)
    common.metric("sqlite_add_jobs", added)


def make(n, path):
    """N hourly interval jobs in one transaction, serialised as the store serialises them."""
    jobstore = store(path)
    jobstore.jobs_t.metadata.create_all(jobstore.engine, (jobstore.jobs_t,), checkfirst=True)

    class Scheduler:  # what Job needs of a scheduler to be built
        timezone = datetime.timezone.utc

    now = datetime.datetime.now(datetime.timezone.utc)
    trigger = IntervalTrigger(hours=1, timezone=datetime.timezone.utc)
    rows = []
    for _ in range(n):
        job = Job(Scheduler(), func="common:noop", trigger=trigger, executor="default", args=(), kwargs={},
                  name="noop", misfire_grace_time=1, coalesce=True, max_instances=1,
                  next_run_time=trigger.get_next_fire_time(None, now))
        rows.append({"id": job.id, "next_run_time": datetime_to_utc_timestamp(job.next_run_time),
                     "job_state": pickle.dumps(job.__getstate__(), jobstore.pickle_protocol)})
    with jobstore.engine.begin() as connection:
        connection.execute(jobstore.jobs_t.insert(), rows)
    common.progress(f"apscheduler sqlite: a file of {n} jobs made ({os.path.getsize(path) / 2**20:.1f} MB)")


class TimedScheduler(AsyncIOScheduler):
    """Sets `processed` once its first wakeup has processed the stores."""

    processed = None

    def _process_jobs(self):
        wait = super()._process_jobs()
        self.processed.set()
        return wait


async def start(n, path):
    TimedScheduler.processed = asyncio.Event()
    rss_before = common.resident_bytes()
    t0 = common.monotonic_s()
    sched = common.make_scheduler(TimedScheduler, jobstores={"default": store(path)})
    sched.start()
    await TimedScheduler.processed.wait()
    start_s = common.monotonic_s() - t0
    rss = common.resident_bytes()
    t1 = common.monotonic_s()
    jobs = sched.get_jobs()
    load_s = common.monotonic_s() - t1
    load_rss = common.resident_bytes()
    sched.shutdown(wait=False)
    if len(jobs) != n:
        raise SystemExit(f"the store holds {len(jobs)} jobs, not {n}")
    common.progress(
        f"apscheduler sqlite start over {n} jobs: {start_s:.3f} s, RSS {rss / 2**20:.1f} MB "
        f"({rss_before / 2**20:.1f} MB before); loading them all (get_jobs) {load_s:.3f} s, RSS "
        f"{load_rss / 2**20:.1f} MB"
    )
    common.metric("sqlite_start_s", start_s, 3)
    common.metric("sqlite_start_rss_mb", rss / 2**20, 1)
    common.metric("sqlite_load_all_s", load_s, 3)
    common.metric("sqlite_load_all_rss_mb", load_rss / 2**20, 1)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("add", "make", "start"):
        raise SystemExit(f"usage: {sys.argv[0]} add|make|start --n JOBS [--seconds S] --path FILE")
    mode = sys.argv[1]
    args = common.parse_args(sys.argv[2:], n=2000 if mode == "add" else 100_000, seconds=10.0, path="")
    if not args["path"]:
        raise SystemExit(f"{sys.argv[0]}: --path FILE is required")
    if mode == "add":
        asyncio.run(add(args["n"], args["seconds"], args["path"]))
    elif mode == "make":
        make(args["n"], args["path"])
    else:
        asyncio.run(start(args["n"], args["path"]))
