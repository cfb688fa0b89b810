# Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
"""bench/cron_next on APScheduler: the cost of one next fire time of `CronTrigger` on the same mix and chains.

The six expressions of bench/cron_next.cpp, in Europe/Berlin as a `zoneinfo.ZoneInfo` (APScheduler 3.9 takes any
tzinfo; with pytz's zone it is twice as slow on this mix and wrong after 2037, where pytz knows no daylight saving
time, so that two of the six chains end an hour off):
`*/5 * * * *`, `0 9-17 * * mon-fri`, `30 2 1,15 * *`, `0 0 29 2 *` (CronTrigger.from_crontab),
`CronTrigger(day="last fri", hour=18)` and `CronTrigger(second="*/10")` (asched's `*/10 * * * * *`, seconds first).
Each chain starts at 2026-01-01T00:00:00Z and feeds each answer back as `previous_fire_time` and `now`, as the C++
program does; every chain starts again from 2026 after `--chain` answers (default 1,000: APScheduler takes about
60 us per answer, so the C++ program's chains of 166,666 would take a minute per run). bench/compare times asched
on exactly these answers with `bench_cron_next --chain 1000`. A chain that ends (None) starts again, as in C++.

One repetition per invocation (one warm-up chain per expression first). Prints `cron_next_ns_aps` (the mean over
the mix, each expression weighted equally) and `cron_next_checksum_aps` (the sum of the last answers' POSIX times,
to compare with asched's answers: `bench_cron_next --chain 1000` prints the same sum as
`cron_next_chain_checksum`); each expression's cost on stderr. Options: --chain ANSWERS (default 1000).
"""
import datetime
import sys
import time
import zoneinfo

import pytz
from apscheduler.triggers.cron import CronTrigger

import common


def mix():
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    return [
        CronTrigger.from_crontab("*/5 * * * *", timezone=berlin),
        CronTrigger.from_crontab("0 9-17 * * mon-fri", timezone=berlin),
        CronTrigger.from_crontab("30 2 1,15 * *", timezone=berlin),
        CronTrigger.from_crontab("0 0 29 2 *", timezone=berlin),
        CronTrigger(day="last fri", hour=18, timezone=berlin),
        CronTrigger(second="*/10", timezone=berlin),
    ]


def chain(trigger, start, answers):
    """`answers` successive next fire times from `start`; returns the last one."""
    previous = None
    for _ in range(answers):
        previous = trigger.get_next_fire_time(previous, previous or start)
    return previous


def main(answers):
    start = datetime.datetime(2026, 1, 1, tzinfo=pytz.utc)
    triggers = mix()
    for trigger in triggers:
        chain(trigger, start, 10)  # warm up
    per_expression_ns = []
    checksum = 0
    for trigger in triggers:
        t0 = time.perf_counter_ns()
        last = chain(trigger, start, answers)
        per_expression_ns.append((time.perf_counter_ns() - t0) / answers)
        checksum += int(last.timestamp()) if last else 0
    mean_ns = sum(per_expression_ns) / len(per_expression_ns)
    common.progress(
        f"apscheduler cron_next: {mean_ns:.0f} ns per next fire time (per expression: "
        + " ".join(f"{ns:.0f}" for ns in per_expression_ns)
        + f"), chains of {answers}"
    )
    common.metric("cron_next_ns", mean_ns)
    common.metric("cron_next_checksum", checksum)


if __name__ == "__main__":
    args = common.parse_args(sys.argv[1:], chain=1000)
    main(args["chain"])
