// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// bench/run layout: raw Asio's burst (N timers all expiring at one instant T, as bench/burst) with each timer and
// its wait operation laid out in a slot of S bytes, one slot after the other, for several slot sizes S; and, as
// the reference, raw Asio as bench/burst has it (a vector of timers, wait operations from the heap).
//
// Why: asched keeps a job's timer and its wait operation inside the job's record, and the records side by side in
// its pool (lib/record_pool.hpp). With 280-byte records asched's burst ran at about half the rate it reaches with
// 320-byte slots. This shows the effect without asched: the same Asio code, the same work, only the stride changes.
// Each slot holds the timer at its start and the wait operation right behind it (the rest is unused), like a
// record's timer and buffer.
//
// Prints, per layout, the median over the repetitions (--runs, default 5; the layouts alternate within each
// repetition) of the loop thread's CPU time per run, from 50 ms before T to the last run;
// `layout_cpu_ratio_280_to_256` last. Options: --n N (timers, default 100,000), --runs R.
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <new>
#include <string>
#include <sys/mman.h>
#include <vector>

#include "bench_common.hpp"

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

using timer_type = asio::
    basic_waitable_timer<bench::steady, asio::wait_traits<bench::steady>, asio::io_context::executor_type>;

std::size_t runs_left = 0;
asio::io_context* context = nullptr;
double cpu_before_ns = 0, cpu_after_ns = 0;

void record_run()
{
    if (--runs_left == 0)
    {
        cpu_after_ns = bench::thread_cpu_ns();
        context->stop();
    }
}

/// Hands Asio the slot's own bytes for the wait operation, as asched's wait_allocator hands it a record's buffer.
template <class T>
struct slot_allocator
{
    using value_type = T;
    explicit slot_allocator(unsigned char* where) noexcept : where(where) {}
    template <class U>
    slot_allocator(const slot_allocator<U>& other) noexcept : where(other.where)
    {
    }
    T* allocate(std::size_t) noexcept { return reinterpret_cast<T*>(where); }
    void deallocate(T*, std::size_t) noexcept {}
    template <class U>
    bool operator==(const slot_allocator<U>& other) const noexcept
    {
        return where == other.where;
    }
    unsigned char* where;
};

struct slot_handler
{
    unsigned char* operation;
    using allocator_type = slot_allocator<void>;
    allocator_type get_allocator() const noexcept { return allocator_type(operation); }
    void operator()(const boost::system::error_code&) const { record_run(); }
};

/// Runs one burst and answers the CPU time per run, ns. `stride` 0: a vector of timers, operations from the heap.
double burst(long n, std::size_t stride)
{
    asio::io_context ctx;
    context = &ctx;
    runs_left = static_cast<std::size_t>(n);
    cpu_before_ns = cpu_after_ns = 0;
    const auto due = bench::steady::now() + 200ms;
    timer_type mark(ctx, due - 50ms);
    mark.async_wait([](const boost::system::error_code&) { cpu_before_ns = bench::thread_cpu_ns(); });

    std::vector<timer_type> timers;
    unsigned char* slots = nullptr;
    const std::size_t bytes = stride * static_cast<std::size_t>(n);
    if (stride == 0)
    {
        timers.reserve(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i)
            timers.emplace_back(ctx, due).async_wait([](const boost::system::error_code&) { record_run(); });
    }
    else
    {
        // Page-aligned, so every slot starts where a record in the pool would (lines of 64 bytes from the start)
        void* mapped = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (mapped == MAP_FAILED)
            throw std::bad_alloc();
        slots = static_cast<unsigned char*>(mapped);
        constexpr std::size_t operation_offset = (sizeof(timer_type) + 7) / 8 * 8;
        for (long i = 0; i < n; ++i)
        {
            unsigned char* slot = slots + static_cast<std::size_t>(i) * stride;
            auto* timer = new (slot) timer_type(ctx, due);
            timer->async_wait(slot_handler{slot + operation_offset});
        }
    }
    ctx.run();
    if (slots != nullptr)
    {
        for (long i = 0; i < n; ++i)
            reinterpret_cast<timer_type*>(slots + static_cast<std::size_t>(i) * stride)->~timer_type();
        ::munmap(slots, bytes);
    }
    return runs_left == 0 ? (cpu_after_ns - cpu_before_ns) / static_cast<double>(n) : 0;
}

}  // namespace

int main(int argc, char** argv)
{
    const bench::options opt = bench::parse_options(argc, argv, 5, 100'000);
    const std::vector<std::size_t> strides{0, 256, 264, 272, 280, 288, 296, 304, 312, 320, 336, 384};
    bench::progress(
        "layout: raw Asio bursts of %ld timers with their wait operations in slots of each size, %d repetitions",
        opt.n,
        opt.runs
    );
    std::vector<std::vector<double>> cpu(strides.size());
    for (int run = 1; run <= opt.runs; ++run)
    {
        std::string line;
        for (std::size_t i = 0; i < strides.size(); ++i)
        {
            cpu[i].push_back(burst(opt.n, strides[i]));
            char text[48];
            std::snprintf(text, sizeof text, " %zu:%.0f", strides[i], cpu[i].back());
            line += text;
        }
        bench::progress("run %d, CPU ns per run by slot size (0: timers in a vector):%s", run, line.c_str());
    }
    double at_256 = 0, at_280 = 0;
    for (std::size_t i = 0; i < strides.size(); ++i)
    {
        const double m = bench::median(cpu[i]);
        const std::string name = strides[i] == 0 ? std::string("layout_cpu_ns_per_run_vector")
                                                 : "layout_cpu_ns_per_run_slot_" + std::to_string(strides[i]);
        bench::metric(name.c_str(), m);
        if (strides[i] == 256)
            at_256 = m;
        if (strides[i] == 280)
            at_280 = m;
    }
    bench::metric("layout_cpu_ratio_280_to_256", at_280 / at_256, 2);
}
