// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run cron_next: the cost of one cron next fire time, against the cost of the two date-tz conversions
// (UTC -> local -> UTC) that computing one needs at least.
//
// 1,000,000 successive next fire times spread evenly over six cron expressions in Europe/Berlin, each chain
// starting at 2026-01-01T00:00:00Z and feeding each answer back as `previous`. A chain that finishes (year 9999
// reached) starts again from 2026. Prints medians of 5 runs, `cron_next_ns` last.
//
// Options: `--runs N` (default 5; fewer for callgrind); `--chain L`: every chain starts again from 2026 after L
// answers (default: never before year 9999), so that the answers are exactly those APScheduler computes in
// bench/apscheduler/cron_next.py with the same L (bench/compare uses 1,000).
#include <asched/triggers.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <date/tz.h>
#include <string_view>
#include <vector>

namespace {

using clock_type = std::chrono::steady_clock;
constexpr int answers = 1'000'000;

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// ns per next fire time over the mix; `per_trigger_ns` gets each expression's share, `checksum` keeps the
// optimiser honest
double time_cron_mix(
    const std::vector<asched::trigger>& mix,
    asched::instant start,
    int chain,
    std::vector<double>& per_trigger_ns,
    std::int64_t& checksum
)
{
    const int per_trigger = answers / static_cast<int>(mix.size());
    per_trigger_ns.clear();
    const auto t0 = clock_type::now();
    for (const auto& trigger : mix)
    {
        const auto t1 = clock_type::now();
        std::optional<asched::instant> previous;
        for (int i = 0; i < per_trigger; ++i)
        {
            if (i % chain == 0)
                previous.reset();  // a new chain from `start`
            previous = trigger.next_fire_time(previous, previous ? *previous : start);
            checksum += previous ? previous->time_since_epoch().count() : 1;
        }
        per_trigger_ns.push_back(
            std::chrono::duration<double, std::nano>(clock_type::now() - t1).count() / per_trigger
        );
    }
    const auto elapsed = std::chrono::duration<double, std::nano>(clock_type::now() - t0).count();
    return elapsed / (per_trigger * static_cast<double>(mix.size()));
}

// The sum of the POSIX times (s) of each expression's answer number `chain` from `start`: the same figure as
// bench/apscheduler/cron_next.py's checksum, so that the two are seen to compute the same answers
std::int64_t chain_checksum(const std::vector<asched::trigger>& mix, asched::instant start, int chain)
{
    std::int64_t sum = 0;
    for (const auto& trigger : mix)
    {
        std::optional<asched::instant> previous;
        for (int i = 0; i < chain; ++i)
            previous = trigger.next_fire_time(previous, previous ? *previous : start);
        if (previous)
            sum += std::chrono::floor<std::chrono::seconds>(*previous).time_since_epoch().count();
    }
    return sum;
}

// ns per UTC -> local -> UTC round trip through date-tz, over instants 5 minutes apart from 2026
double time_tz_floor(std::int64_t& checksum)
{
    const date::time_zone* berlin = date::locate_zone("Europe/Berlin");
    const auto start = date::sys_seconds{date::sys_days{date::year{2026} / 1 / 1}};
    const auto t0 = clock_type::now();
    for (int i = 0; i < answers; ++i)
    {
        const auto instant = start + std::chrono::minutes{5 * i};
        const auto local = berlin->to_local(instant);
        checksum += berlin->to_sys(local, date::choose::earliest).time_since_epoch().count();
    }
    return std::chrono::duration<double, std::nano>(clock_type::now() - t0).count() / answers;
}

}  // namespace

int main(int argc, char** argv)
{
    int runs = 5;
    int chain = answers;
    for (int i = 1; i + 1 < argc; i += 2)
    {
        const std::string_view arg = argv[i];
        if (arg == "--runs")
            runs = std::atoi(argv[i + 1]);
        else if (arg == "--chain")
            chain = std::atoi(argv[i + 1]);
        else
            runs = 0;
    }
    if (argc % 2 != 1 || runs < 1 || chain < 1)
    {
        std::fprintf(stderr, "usage: %s [--runs N] [--chain ANSWERS]\n", argv[0]);
        return 2;
    }
    const auto berlin = asched::time_zone::locate("Europe/Berlin");
    const asched::trigger_options in_berlin{.timezone = berlin};
    const std::vector<asched::trigger> mix = {
        asched::cron_trigger::from_crontab("*/5 * * * *", in_berlin),
        asched::cron_trigger::from_crontab("0 9-17 * * mon-fri", in_berlin),
        asched::cron_trigger::from_crontab("30 2 1,15 * *", in_berlin),
        asched::cron_trigger::from_crontab("0 0 29 2 *", in_berlin),
        asched::cron_trigger({.day = "last fri", .hour = "18"}, in_berlin),
        asched::cron_trigger::from_crontab("*/10 * * * * *", in_berlin),
    };
    const asched::instant start = asched::parse_datetime("2026-01-01T00:00:00Z", berlin);

    std::int64_t checksum = 0;
    std::vector<double> per_trigger_ns;
    time_cron_mix(mix, start, chain, per_trigger_ns, checksum);  // warm up: zone tables, caches
    time_tz_floor(checksum);
    std::vector<double> cron, floor;
    for (int run = 0; run < runs; ++run)
    {
        floor.push_back(time_tz_floor(checksum));
        cron.push_back(time_cron_mix(mix, start, chain, per_trigger_ns, checksum));
        std::fprintf(
            stderr,
            "run %d: tz_floor %.1f ns, cron_next %.1f ns (per expression:",
            run + 1,
            floor.back(),
            cron.back()
        );
        for (const double ns : per_trigger_ns)
            std::fprintf(stderr, " %.0f", ns);
        std::fprintf(stderr, ")\n");
    }
    const double cron_ns = median(cron), floor_ns = median(floor);
    std::printf("checksum: %lld\n", static_cast<long long>(checksum % 1000));
    if (chain != answers)
    {
        std::printf("cron_next_chain: %d\n", chain);
        std::printf("cron_next_chain_checksum: %lld\n", static_cast<long long>(chain_checksum(mix, start, chain)));
    }
    std::printf("cron_next_ratio_to_floor: %.2f\n", cron_ns / floor_ns);
    std::printf("tz_floor_ns: %.0f\n", floor_ns);
    std::printf("cron_next_ns: %.0f\n", cron_ns);
}
