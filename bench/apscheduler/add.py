# Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
"""bench/add on APScheduler: the time and resident memory of adding N interval jobs (every hour).

As bench/add.cpp: inside a callback on the event loop, a started AsyncIOScheduler (memory store) receives N jobs
`add_job(noop, IntervalTrigger(hours=1), executor="inline")`, with generated ids. `add_us_per_job_aps` is the wall
time from the first add to the last over N, `add_bytes_per_job_aps` the growth of resident memory over the same
stretch over N, `add_cpu_us_per_job_aps` the thread's CPU time over it per job. Each add of a running APScheduler also queues a wakeup of the scheduler on the loop (that is how it
learns of new jobs); those run after the timed stretch, and their time is shown on stderr only.

One repetition per invocation. Options: --n JOBS (default 100000).
"""
import asyncio
import sys
import time

from apscheduler.triggers.interval import IntervalTrigger

import common


async def main(n):
    sched = common.make_scheduler()
    sched.start()
    rss_before = common.resident_bytes()
    cpu0 = time.thread_time_ns()
    t0 = common.monotonic_s()
    for _ in range(n):
        sched.add_job(common.noop, IntervalTrigger(hours=1), executor="inline")
    t1 = common.monotonic_s()
    cpu_us = (time.thread_time_ns() - cpu0) / 1e3 / n
    rss_after = common.resident_bytes()
    if len(sched.get_jobs()) != n:
        raise SystemExit("the scheduler does not hold every job added")
    # The wakeups queued by the adds (call_soon_threadsafe), for the record
    loop = asyncio.get_running_loop()
    await asyncio.sleep(0)
    while len(loop._ready) > 0:  # the loop's queue of ready callbacks (a private member, read only)
        await asyncio.sleep(0)
    t3 = common.monotonic_s()
    common.progress(
        f"apscheduler add: {n} jobs in {t1 - t0:.3f} s ({(t1 - t0) * 1e6 / n:.3f} us/job, "
        f"{(rss_after - rss_before) / n:.0f} B/job); then {t3 - t1:.3f} s of the wakeups the adds queued"
    )
    common.metric("add_us_per_job", (t1 - t0) * 1e6 / n, 3)
    common.metric("add_cpu_us_per_job", cpu_us, 3)
    common.metric("add_bytes_per_job", (rss_after - rss_before) / n)


if __name__ == "__main__":
    args = common.parse_args(sys.argv[1:], n=100_000)
    asyncio.run(main(args["n"]))
