# Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
"""bench/steady on APScheduler: N interval jobs every second for 10 s, job i first due at T0 + i * (1 s / N),
no-op callables on the inline executor.

As bench/steady.cpp: job i is `IntervalTrigger(seconds=1, start_date=first, end_date=first + 9 s)` with
first = T0 + i * 100 us (N = 10,000), floored to the microsecond: exactly 10 runs, 10,000 a second, 100,000 in all.
Each run's lateness is its start time - its scheduled run time. APScheduler does not tell a job its scheduled run
time, so the job stores its start time and a listener for job_executed (dispatched right after the run, by the
same DebugExecutor call) pairs it with the event's `scheduled_run_time`; a listener for job_missed counts misses.
CPU time (user + system) runs from 10 ms before T0 to the last run. T0 lies `--lead` seconds after the start of the
adds (exit status 3: the setup ended less than 0.2 s before T0; bench/compare then runs it again with a longer
lead).

One repetition per invocation. Options: --n JOBS (default 10000), --lead SECONDS (default 1 s + 150 us per job),
--samples FILE (lateness values, ns, int64).
"""
import asyncio
import datetime
import sys
import time

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
from apscheduler.triggers.interval import IntervalTrigger

import common

PERIODS = 10
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
MICROSECOND = datetime.timedelta(microseconds=1)

lateness = []
started_ns = 0
missed = 0
expected = 0
done = None
cpu_end_us = 0.0
window_end = 0.0


def record_start():
    global started_ns
    started_ns = time.time_ns()


def check_done():
    global cpu_end_us, window_end
    if len(lateness) + missed == expected and not done.is_set():
        cpu_end_us = common.cpu_us()
        window_end = common.monotonic_s()
        done.set()


def on_event(event):
    global missed
    if event.code == EVENT_JOB_MISSED:
        missed += 1
    else:
        lateness.append(started_ns - (event.scheduled_run_time - EPOCH) // MICROSECOND * 1000)
    check_done()


async def main(n, lead, samples):
    global expected, done
    expected = n * PERIODS
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    sched = common.make_scheduler()
    sched.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    sched.start()
    setup_start = common.monotonic_s()
    now = datetime.datetime.now(datetime.timezone.utc)
    t0 = now + datetime.timedelta(seconds=lead)
    spacing_ns = 1_000_000_000 // n
    for i in range(n):
        first = t0 + datetime.timedelta(microseconds=i * spacing_ns // 1000)
        trigger = IntervalTrigger(seconds=1, start_date=first, end_date=first + datetime.timedelta(seconds=PERIODS - 1))
        sched.add_job(record_start, trigger, executor="inline")
    setup_end = common.monotonic_s()
    slack = (t0 - datetime.datetime.now(datetime.timezone.utc)).total_seconds()

    window = {}

    def start_window():
        window["cpu"] = common.cpu_us()
        window["start"] = common.monotonic_s()

    loop.call_later(max(slack - 0.010, 0), start_window)
    try:
        await asyncio.wait_for(done.wait(), timeout=slack + PERIODS + 10)
    except asyncio.TimeoutError:
        common.progress("apscheduler steady: the runs did not all come in time")
        check_done()
        done.set()
    sched.shutdown(wait=False)

    runs = len(lateness)
    cpu_per_run = (cpu_end_us - window.get("cpu", cpu_end_us)) / runs if runs else 0.0
    common.write_samples(samples, lateness)
    p50, p99, worst = common.percentiles(lateness)
    setup_s = setup_end - setup_start
    common.progress(
        f"apscheduler steady: {cpu_per_run:.3f} us CPU/run, lateness p50 {p50:.0f} us, p99 {p99:.0f} us, "
        f"max {worst:.0f} us; ran {runs}, missed {missed}, dropped {expected - runs} "
        f"(window {window_end - window.get('start', window_end):.2f} s; setup {setup_s:.3f} s, then {slack:.2f} s "
        f"to T0)"
    )
    common.metric("steady_cpu_us_per_run", cpu_per_run, 3)
    common.metric("steady_lateness_p50_us", p50)
    common.metric("steady_lateness_p99_us", p99)
    common.metric("steady_lateness_max_us", worst)
    common.metric("steady_dropped", expected - runs)
    common.metric("steady_missed", missed)
    common.metric("steady_setup_s", setup_s, 3)
    common.metric("steady_slack_s", slack, 3)
    return 0 if slack >= 0.2 else 3


if __name__ == "__main__":
    args = common.parse_args(sys.argv[1:], n=10_000, lead=-1.0, samples="")
    lead = args["lead"] if args["lead"] > 0 else 1 + 150e-6 * args["n"]
    sys.exit(asyncio.run(main(args["n"], lead, args["samples"])))
