# Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
"""bench/burst on APScheduler: N date jobs all due at the same instant T, no-op callables on the inline executor,
the default misfire grace time (1 s).

As bench/burst.cpp: T lies `--lead` seconds after the start of the adds (bench/compare passes 1 s plus 1.5 times
the longest setup seen, and runs a repetition again with a longer lead when its setup ended less than 0.2 s before
T: this exits 3 then). Each run stores its time into a list; lateness is that time - T, and the rate is the runs
that happened / (last run - T). A listener for job_missed only counts missed runs: APScheduler checks the grace
time when it reaches a run, so in a large burst the runs it reaches more than 1 s after T are reported missed and
do not run (`burst_missed_aps`; asched checks the same grace time the same way, and the C++ program counts its
misses too). `burst_cpu_ns_per_run_aps` is the thread's CPU time from 50 ms before T to the last run or miss, over
N (missed runs cost less than runs). The adds are timed as in bench/scaling.cpp (`scaling_add_*`, date jobs
sharing one trigger).

One repetition per invocation. Options: --n JOBS (default 100000), --lead SECONDS (default 1 s + 150 us per job),
--samples FILE (lateness values, ns, int64).
"""
import asyncio
import datetime
import sys
import time

from apscheduler.events import EVENT_JOB_MISSED
from apscheduler.triggers.date import DateTrigger

import common

run_ns = []
missed = 0
expected = 0
done = None
cpu_ns = {}


def finish():
    cpu_ns["after"] = time.thread_time_ns()
    done.set()


def record_run():
    run_ns.append(time.time_ns())
    if len(run_ns) + missed == expected:
        finish()


def on_missed(event):
    global missed
    missed += 1
    if len(run_ns) + missed == expected:
        finish()


async def main(n, lead, samples):
    global expected, done
    expected = n
    done = asyncio.Event()
    sched = common.make_scheduler()
    sched.add_listener(on_missed, EVENT_JOB_MISSED)
    sched.start()
    rss_before = common.resident_bytes()
    cpu0 = time.thread_time_ns()
    setup_start = common.monotonic_s()
    now = datetime.datetime.now(datetime.timezone.utc)
    due = now + datetime.timedelta(seconds=lead)
    due_ns = (due - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) // datetime.timedelta(
        microseconds=1
    ) * 1000
    at_due = DateTrigger(due)
    for _ in range(n):
        sched.add_job(record_run, at_due, executor="inline")
    setup_end = common.monotonic_s()
    add_cpu_us = (time.thread_time_ns() - cpu0) / 1e3 / n
    rss_after = common.resident_bytes()
    slack = (due_ns - time.time_ns()) / 1e9
    # The thread's CPU time from 50 ms before T (the loop sleeps until T) to the last run or miss
    asyncio.get_running_loop().call_later(max(slack - 0.05, 0), lambda: cpu_ns.setdefault("before",
                                                                                          time.thread_time_ns()))
    try:
        await asyncio.wait_for(done.wait(), timeout=lead + 10 + n / 10_000)
    except asyncio.TimeoutError:
        common.progress("apscheduler burst: the runs did not all come in time")
    sched.shutdown(wait=False)

    lateness = [t - due_ns for t in run_ns]
    common.write_samples(samples, lateness)
    runs = len(lateness)
    last_s = max(lateness) / 1e9 if lateness else 0.0
    p50, p99, worst = common.percentiles(lateness)
    setup_s = setup_end - setup_start
    rate = runs / last_s if last_s > 0 else 0.0
    burst_cpu = (cpu_ns["after"] - cpu_ns["before"]) / n if "after" in cpu_ns and "before" in cpu_ns else 0.0
    common.progress(
        f"apscheduler burst: {rate:.0f} runs/s, lateness p50 {p50:.0f} us, p99 {p99:.0f} us, max {worst:.0f} us; "
        f"ran {runs}, missed {missed}, dropped {n - runs} (setup {setup_s:.3f} s, then {slack:.2f} s to T)"
    )
    common.metric("burst_runs_per_s", rate)
    common.metric("burst_cpu_ns_per_run", burst_cpu)
    common.metric("burst_lateness_p50_us", p50)
    common.metric("burst_lateness_p99_us", p99)
    common.metric("burst_lateness_max_us", worst)
    common.metric("burst_dropped", n - runs)
    common.metric("burst_missed", missed)
    common.metric("burst_setup_s", setup_s, 3)
    common.metric("burst_slack_s", slack, 3)
    common.metric("scaling_add_s", setup_s, 3)
    common.metric("scaling_add_us_per_job", setup_s * 1e6 / n, 3)
    common.metric("scaling_add_cpu_us_per_job", add_cpu_us, 3)
    common.metric("scaling_bytes_per_job", (rss_after - rss_before) / n)
    common.metric("scaling_rss_mb", rss_after / 2**20, 1)
    common.metric("scaling_peak_rss_mb", common.peak_resident_bytes() / 2**20, 1)
    return 0 if slack >= 0.2 else 3


if __name__ == "__main__":
    args = common.parse_args(sys.argv[1:], n=100_000, lead=-1.0, samples="")
    lead = args["lead"] if args["lead"] > 0 else 1 + 150e-6 * args["n"]
    sys.exit(asyncio.run(main(args["n"], lead, args["samples"])))
