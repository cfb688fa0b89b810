# Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
"""What the APScheduler workloads share: readings, percentiles, `metric: value` output, the scheduler they use.

Each workload (add.py, burst.py, steady.py, cron_next.py, sqlite.py) mirrors the C++ program of the same name in
bench/ and is run by bench/compare with Debian's /usr/bin/python3 and python3-apscheduler 3.9.1. One invocation is
one repetition, in a fresh interpreter (as each C++ repetition is a fresh child process); bench/compare takes the
medians. Results go to stdout as `metric: value` lines with the C++ names plus the suffix `_aps`; progress goes to
stderr.

The scheduler is an `AsyncIOScheduler` on an asyncio event loop (the closest flavour to a scheduler on an Asio
io_context). asched's `inline` executor runs a job on the scheduler's own thread, inside the timer's handler;
APScheduler's equivalent is its `DebugExecutor` ("executes the target callable directly instead of deferring it to
a thread or process"), registered here under the name `inline`. Its default `AsyncIOExecutor` would hand a plain
function to a thread pool, which is what asched's `default` executor does, not what the C++ workloads use.
"""
import array
import asyncio
import math
import resource
import sys
import time

import pytz
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.asyncio import AsyncIOScheduler


def noop():
    """The job of every workload (referenced as `common:noop` by the SQLite store, which keeps jobs as data)."""


def progress(text):
    """A progress line on stderr; stdout carries only the results."""
    print(text, file=sys.stderr, flush=True)


def metric(name, value, decimals=0):
    """Prints `name_aps: value` as the C++ programs print `name: value`."""
    print(f"{name}_aps: {value:.{decimals}f}", flush=True)


def resident_bytes():
    """Resident memory of this process (/proc/self/statm, second field)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def peak_resident_bytes():
    """Peak resident memory of this process (VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def cpu_us():
    """User + system CPU time of this process (all threads), in µs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return (usage.ru_utime + usage.ru_stime) * 1e6


def percentiles(ns):
    """Nearest-rank p50, p99 and max of lateness values in ns, in µs (as bench_common.hpp); sorts `ns`."""
    if not ns:
        return 0.0, 0.0, 0.0
    ns.sort()

    def rank(p):
        return ns[min(max(math.ceil(p * len(ns)) - 1, 0), len(ns) - 1)] / 1e3

    return rank(0.50), rank(0.99), ns[-1] / 1e3


def write_samples(path, ns):
    """Lateness values in ns as native 64-bit integers, the format the C++ programs write with --samples."""
    if path:
        with open(path, "wb") as f:
            array.array("q", ns).tofile(f)


def make_scheduler(cls=AsyncIOScheduler, **options):
    """An AsyncIOScheduler (or `cls`) with the `inline` executor, on the running event loop, in UTC. Other options
    as given.

    The zone is pytz's UTC, APScheduler 3's own zone library, because its default (tzlocal's zone, on bookworm a
    pure-Python pytz_deprecation_shim object) doubles the cost of every run in a burst; the machine's zone is UTC,
    which is asched's default zone here too.
    """
    executors = options.pop("executors", {})
    executors.setdefault("inline", DebugExecutor())
    options.setdefault("timezone", pytz.utc)
    return cls(executors=executors, event_loop=asyncio.get_running_loop(), **options)


def parse_args(argv, **defaults):
    """`--name value` pairs into a dict of the defaults' types; an unknown name is an error."""
    args = dict(defaults)
    if len(argv) % 2 != 0:
        raise SystemExit(f"usage: {sys.argv[0]} " + " ".join(f"[--{k} {v}]" for k, v in defaults.items()))
    for name, value in zip(argv[::2], argv[1::2]):
        key = name.lstrip("-").replace("-", "_")
        if not name.startswith("--") or key not in defaults:
            raise SystemExit(f"{sys.argv[0]}: unknown option {name}")
        args[key] = type(defaults[key])(value)
    return args


def monotonic_s():
    return time.perf_counter()
