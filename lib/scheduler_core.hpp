// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_SCHEDULER_CORE_HPP
#define ASCHED_LIB_SCHEDULER_CORE_HPP

// The scheduler's state and logic, a template on its clocks. Instantiated once for system_clocks in
// lib/scheduler.cpp and once for the tests' mock clocks, so that Asio is compiled into few translation units.

#include <asched/errors.hpp>
#include <asched/events.hpp>
#include <asched/executors.hpp>
#include <asched/job.hpp>
#include <asched/job_document.hpp>
#include <asched/job_store.hpp>
#include <asched/job_store_url.hpp>
#include <asched/log.hpp>
#include <asched/scheduler.hpp>
#include <asched/scheduler_options.hpp>
#include <asched/shared_job_store.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/detail/chrono_time_traits.hpp>
#include <boost/asio/detail/deadline_timer_service.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/wait_traits.hpp>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "compact_string.hpp"
#include "error_text.hpp"
#include "exception_text.hpp"
#include "job_index.hpp"
#include "record_pool.hpp"
#include "run_plan.hpp"
#include "run_reporting.hpp"
#include "trigger_impl.hpp"

namespace asched::detail {

/// Gives memory freed after a large load back to the system. The documents of a store's jobs are decoded on its
/// thread, in that thread's malloc arena, which cannot shrink by itself while a few objects allocated there (each
/// job's trigger) stay alive: at 100,000 jobs, about 29 MB that the process would keep for nothing.
inline void release_free_memory() noexcept
{
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

/// A named executor. Slots are never erased, so that jobs can point at them; a removed executor leaves its slot
/// empty until one of that name is added again.
struct executor_slot
{
    std::string name;
    std::shared_ptr<job_executor> executor;
};

/// A named job store. The built-in memory store has no object: its jobs live in the scheduler's index only (they
/// may run any function object). A store object keeps jobs as data, and the index holds a copy of each of them.
struct store_slot
{
    std::string name{};
    std::shared_ptr<job_store> store{};  // null: the built-in memory store
    shared_job_store* shared{nullptr};   // the store, when several schedulers share it (jobs are fired under leases)
    bool loaded{false};                  // the jobs stored before start are in the index
    bool reloading{false};               // a read after another process's change is in flight
    bool reload_again{false};            // another change came during that read
    bool removed{false};                 // remove_jobstore: slots stay, as records in flight point at them
    std::uint64_t writes{0};             // writes issued, so that a read can tell which jobs changed since
    /// A job added before its store was read: settled against the stored job of that id, then written.
    struct registration
    {
        bool replace_existing{false};
        std::vector<std::function<void(boost::system::error_code)>> on_stored{};  // async_add_job completions
    };
    std::unordered_map<std::string, registration> registrations{};
};

/// The first fire time of a trigger for a job added (or resumed) at `now`. A date trigger answers its run date even
/// when it is past: a job whose only run is already due is a misfire to handle, never silently dropped.
inline std::optional<instant> first_fire_time(const trigger& when, instant now)
{
    return when.next_fire_time(std::nullopt, when.kind() == "date" ? min_instant : now);
}

/// The longest single wait of a job's timer. A fire time further ahead waits this long, wakes early and is armed
/// again, in bounded steps: the year 9999 is beyond what the timer clock's nanoseconds can hold.
inline constexpr std::chrono::microseconds max_timer_wait = std::chrono::hours{24 * 7};

/// The arguments of a job that has none, for its snapshots: without a control block, so copies count no references.
inline const job_arguments no_job_arguments{};
inline const std::shared_ptr<const job_arguments> no_arguments(
    std::shared_ptr<const job_arguments>{},
    &no_job_arguments
);
/// A record's arguments when it has none.
inline const std::shared_ptr<const job_arguments> null_arguments{};

/// std::optional<instant> in 8 bytes instead of 16 (a job record keeps one): instant::min(), 292,000 years before
/// 1970, stands for none. Converts to and from std::optional<instant>.
class optional_instant
{
public:
    optional_instant() noexcept = default;
    optional_instant(std::nullopt_t) noexcept {}
    optional_instant(instant t) noexcept : t_(t == none ? t + std::chrono::microseconds{1} : t) {}
    optional_instant(const std::optional<instant>& t) noexcept
        : optional_instant(t ? optional_instant(*t) : std::nullopt)
    {
    }

    explicit operator bool() const noexcept { return t_ != none; }
    bool has_value() const noexcept { return t_ != none; }
    const instant& operator*() const noexcept { return t_; }
    void reset() noexcept { t_ = none; }
    operator std::optional<instant>() const noexcept { return t_ != none ? std::optional<instant>(t_) : std::nullopt; }

private:
    static constexpr instant none = instant::min();
    instant t_{none};
};

template <class Clocks>
class scheduler_core final : public scheduler_core_base, public std::enable_shared_from_this<scheduler_core<Clocks>>
{
public:
    using timer_clock = typename Clocks::timer_clock;
    // Timers on the io_context's own executor type: 72 bytes instead of 120, and their wait operations skip the
    // type-erased executor too. When the scheduler's executor is something else (a strand), handlers hop to it.
    // (For a shared store's loop; each job has the lighter job_timer below.)
    using timer_type = boost::asio::basic_waitable_timer<
        timer_clock,
        boost::asio::wait_traits<timer_clock>,
        boost::asio::io_context::executor_type>;
    // A job's timer is the implementation inside such a timer, driven through its service (the one timer_type
    // uses): 56 bytes instead of 72, building one looks no service up under a lock, and the record can tell the
    // service when no wait of it is queued any more (see wait_handler), which spares re-arming and destroying it
    // the reactor's lock
    using timer_service = boost::asio::detail::deadline_timer_service<
        boost::asio::detail::chrono_time_traits<timer_clock, boost::asio::wait_traits<timer_clock>>>;
    using job_timer = typename timer_service::implementation_type;

    struct core_link;

    /// A job's rarely set parts, behind one pointer: most jobs have no name of their own and no arguments, and only
    /// jobs of a store object are written.
    struct record_extras
    {
        std::optional<std::string> custom_name;  // none: the name is the task's name, else the id
        std::shared_ptr<const job_arguments> arguments;
        std::uint64_t store_write{0};  // the store's write count when this job was last written
        // Runs that fired and wait for their fire write to land (at most once): submitted when it does
        std::vector<instant> awaiting_write;
    };

    /// Room in each record for the wait operation Asio builds for its timer (80 bytes in Boost 1.81; checked in arm)
    static constexpr std::size_t wait_op_size = 80;
    static constexpr std::size_t wait_op_align = alignof(void*);

    /// One job. Reference-counted without atomics (only the scheduler's executor touches it): the index holds one
    /// reference, each pending timer wait another, so a wait completing after removal finds live memory. Its memory
    /// comes from its core's record_pool (which finds the core's link from the record's address), and Asio builds
    /// the timer's wait operation in `wait_buffer` (see wait_allocator): a run allocates nothing, an add only from
    /// the pool.
    struct record
    {
        // Made by create_record and freed by destroy; never moved (Asio's timer queue links to their timers)
        record(core_link* link, std::string_view id, task&& code, trigger&& when)
            : id(id), code(std::move(code)), when(std::move(when))
        {
            link->timers->construct(timer);
        }

        ~record() { link()->timers->destroy(timer); }

        record(const record&) = delete;
        record& operator=(const record&) = delete;

        /// Shared by the core and its records; outlives the core while records remain.
        core_link* link() const noexcept { return static_cast<core_link*>(record_pool::owner_of(this)); }
        /// The core, or null once it is gone.
        scheduler_core* core() const noexcept { return link()->core; }

        const std::string* custom_name() const noexcept
        {
            return extras && extras->custom_name ? &*extras->custom_name : nullptr;
        }
        const std::shared_ptr<const job_arguments>& arguments() const noexcept
        {
            return extras ? extras->arguments : null_arguments;
        }
        std::uint64_t store_write() const noexcept { return extras ? extras->store_write : 0; }
        record_extras& extra()
        {
            if (!extras)
                extras = std::make_unique<record_extras>();
            return *extras;
        }

        std::uint64_t index_key{0};  // where job_index keeps the record (its to set)
        std::uint32_t references{1};
        std::uint32_t running{0};
        std::uint32_t generation{0};  // bumped on every re-arm and cancel: a wait of an older generation is stale
        std::uint32_t max_instances{1};
        std::uint32_t serial{0};  // tells a run's report from a job re-added under the same id (run_finished)
        // One byte of flags instead of seven bools, so that index_key fits in the same 32 bytes. The record is 256
        // bytes, four whole cache lines (checked in create_record; see record_pool for why whole lines)
        bool coalesce : 1 {true};
        bool indexed : 1 {true};   // the job exists (false: removed, or its trigger finished)
        bool in_index : 1 {true};  // the index still holds the record (a finished job leaves it in the next sweep)
        bool pending : 1 {false};
        bool waiting : 1 {false};       // a wait is pending on the timer
        bool persistent : 1 {false};    // its store is an object: changes are written through
        bool wait_op_busy : 1 {false};  // wait_buffer holds a wait operation
        compact_string id;
        task code;
        trigger when;
        std::unique_ptr<record_extras> extras;
        executor_slot* executor{nullptr};
        store_slot* store{nullptr};
        std::chrono::microseconds grace{};
        optional_instant next_run_time;
        job_timer timer;
        alignas(wait_op_align) unsigned char wait_buffer[wait_op_size];
    };

    /// What records know of their core: null once the core is gone. Freed by the last of the core and its records,
    /// with the pool of their memory.
    struct core_link
    {
        core_link(scheduler_core* core, timer_service& timers) : core(core), timers(&timers), pool(sizeof(record), this)
        {
        }

        scheduler_core* core;
        std::size_t records{0};
        timer_service* timers;  // the io_context's, which outlives the core and its records
        record_pool pool;
    };

    /// Hands Asio a record's own buffer for the wait operation of its timer, instead of an allocation per arm (and
    /// a free per run). A record has one wait at a time, but for a moment two: a wait cancelled by a re-arm still
    /// holds the buffer until it completes, so the new one then gets memory from the heap.
    template <class T>
    struct wait_allocator
    {
        using value_type = T;

        explicit wait_allocator(record* r) noexcept : r(r) {}
        template <class U>
        wait_allocator(const wait_allocator<U>& other) noexcept : r(other.r)
        {
        }

        T* allocate(std::size_t n)
        {
            if (sizeof(T) * n <= wait_op_size && alignof(T) <= wait_op_align && !r->wait_op_busy)
            {
                r->wait_op_busy = true;
                return reinterpret_cast<T*>(r->wait_buffer);
            }
            return std::allocator<T>{}.allocate(n);
        }

        void deallocate(T* p, std::size_t n) noexcept
        {
            if (static_cast<void*>(p) == static_cast<void*>(r->wait_buffer))
                r->wait_op_busy = false;
            else
                std::allocator<T>{}.deallocate(p, n);
        }

        template <class U>
        bool operator==(const wait_allocator<U>& other) const noexcept
        {
            return r == other.r;
        }

        record* r;
    };

    /// Shares a record with a pending wait.
    class record_ref
    {
    public:
        explicit record_ref(record* r) noexcept : r_(r) { ++r_->references; }
        record_ref(record_ref&& other) noexcept : r_(std::exchange(other.r_, nullptr)) {}
        record_ref(const record_ref&) = delete;
        record_ref& operator=(const record_ref&) = delete;
        record_ref& operator=(record_ref&&) = delete;
        ~record_ref() { release(r_); }
        record* get() const noexcept { return r_; }

        static void release(record* r) noexcept
        {
            if (r == nullptr || --r->references != 0)
                return;
            if (r->core() != nullptr)
                r->core()->bury(r);  // freed after the runs due now: a burst never waits for cleanup
            else
                destroy(r);
        }

    private:
        record* r_;
    };

    /// The completion handler of a job's timer.
    struct wait_handler
    {
        record_ref ref;
        std::uint32_t generation;

        using allocator_type = wait_allocator<void>;
        allocator_type get_allocator() const noexcept { return allocator_type(ref.get()); }

        void operator()(error_code ec)
        {
            record* r = ref.get();
            if (ec || r->core() == nullptr || generation != r->generation)
                return;  // cancelled, re-armed or orphaned
            r->waiting = false;
            if (r->core()->hop_)
            {
                boost::asio::post(r->core()->executor_, [self = std::move(*this)]() mutable {
                    record* r = self.ref.get();
                    if (r->core() != nullptr && self.generation == r->generation)
                    {
                        r->timer.might_have_pending_waits = false;  // as below, on the scheduler's executor
                        r->core()->on_timer(*r);
                    }
                });
                return;
            }
            // The latest wait is done and no other is queued (each wait bumps the generation first): the timer is
            // out of Asio's queue, so a re-arm or its destruction need not take the reactor's lock to cancel
            r->timer.might_have_pending_waits = false;
            r->core()->on_timer(*r);
        }
    };

    scheduler_core(boost::asio::any_io_executor executor, scheduler_options options, void* owner)
        : executor_(std::move(executor)), io_(io_context_of(executor_)), options_(std::move(options)), owner_(owner)
    {
        hop_ = executor_.target<boost::asio::io_context::executor_type>() == nullptr;
        if (options_.job_defaults.max_instances == 0)
            throw std::invalid_argument("job_defaults.max_instances: 0 is not allowed; give at least 1");
        if (options_.job_defaults.misfire_grace_time.count() < 0)
            throw std::invalid_argument("job_defaults.misfire_grace_time: must not be negative");
        log_threshold_ = options_.minimum_log_level;
        zone_specified_ = options_.zone.is_specified();
        default_slot_ = &slot("default");
        inline_slot_ = &slot("inline");
        default_slot_->executor = make_thread_pool_executor(10);
        inline_slot_->executor = make_inline_executor();
        for (auto& [name, ex] : options_.executors)
        {
            if (!ex)
                throw std::invalid_argument("executors['" + name + "']: the executor must not be null");
            slot(name).executor = ex;
        }
        options_.executors.clear();
        try
        {
            for (const auto& [name, url] : options_.jobstores)
            {
                if (url == "memory:")
                    stores_[name] = store_slot{name, nullptr};
                else
                    stores_[name] = store_slot{name, std::shared_ptr<job_store>(open_job_store(executor_, url))};
            }
        }
        catch (...)
        {
            delete link_;  // no destructor runs for a constructor that throws
            throw;
        }
        options_.jobstores.clear();
        if (!stores_.contains("default"))
            stores_["default"] = store_slot{"default", nullptr};
        default_store_ = &stores_.at("default");
    }

    ~scheduler_core() override
    {
        // Records still held by pending waits see the core gone through the link, whether indexed or not
        link_->core = nullptr;
        ++link_->records;  // the destructor's own hold: records freed below must not free the link under it
        retries_.clear();  // its held records, while the link is held
        drop_retired();
        free_graveyard();
        index_.for_each([](record* r) { orphan(r); });
        index_.for_each([](record* r) { record_ref::release(r); });
        if (started_)
            shutdown_executors(false);
        close_stores();
        if (--link_->records == 0)
            delete link_;
    }

    /// The io_context under the scheduler's executor: its own executor, or a strand of one.
    static boost::asio::io_context& io_context_of(const boost::asio::any_io_executor& executor)
    {
        using io_executor = boost::asio::io_context::executor_type;
        if (const auto* ex = executor.target<io_executor>())
            return ex->context();
        if (const auto* strand = executor.target<boost::asio::strand<io_executor>>())
            return strand->get_inner_executor().context();
        if (const auto* strand = executor.target<boost::asio::strand<boost::asio::any_io_executor>>())
            return io_context_of(strand->get_inner_executor());
        throw std::invalid_argument("scheduler executor: it must be an io_context's executor or a strand of one");
    }

    // ---------------------------------------------------------------------------------------------- accessors

    const boost::asio::any_io_executor& executor() const noexcept { return executor_; }
    const time_zone& zone() const noexcept { return options_.zone; }
    scheduler_state state() const noexcept { return state_; }
    std::size_t job_count() const noexcept { return index_.size() - retired_in_index_; }

    // ---------------------------------------------------------------------------------------------- lifecycle

    void start(bool paused)
    {
        if (shut_down_)
            throw scheduler_error(errc::shut_down, "the scheduler was shut down; create a new one to start again");
        if (started_)
            throw scheduler_error(errc::already_running, "the scheduler was started already");
        started_ = true;
        state_ = paused ? scheduler_state::paused : scheduler_state::running;
        const instant now = Clocks::now();
        index_.for_each([this, now](record* r) {
            if (r->pending && (!r->persistent || r->store->loaded))
            {
                r->pending = false;
                if (!r->next_run_time)
                    r->next_run_time = scheduled_first_fire_time(*r, now);
            }
        });
        watch_clock_steps();
        log(log_level::info, "scheduler started");
        emit(event_code::scheduler_started, [](event&) {});
        if (state_ == scheduler_state::running)
            arm_all();
        for (auto& [name, s] : stores_)
            if (s.store)
                open_store(s);
    }

    void pause()
    {
        require_started();
        if (state_ == scheduler_state::paused)
            return;
        state_ = scheduler_state::paused;
        index_.for_each([this](record* r) { disarm(*r); });
        release_all_leases();  // a paused scheduler lets the others fire its jobs
        log(log_level::info, "scheduler paused");
        emit(event_code::scheduler_paused, [](event&) {});
    }

    void resume()
    {
        require_started();
        if (state_ == scheduler_state::running)
            return;
        state_ = scheduler_state::running;
        log(log_level::info, "scheduler resumed");
        emit(event_code::scheduler_resumed, [](event&) {});
        arm_all();
        for (auto& [name, s] : stores_)
            if (s.shared != nullptr && s.loaded && !s.removed)
                acquire(s);
    }

    /// Stops timers and executors; with `wait`, thread pools are joined. Completes async_run waiters.
    void shutdown(bool wait)
    {
        if (!started_ || shut_down_)
            return;
        stop_timers();
        shutdown_executors(wait);
        finish_shutdown();
    }

    void async_shutdown(bool wait, boost::asio::any_completion_handler<void(error_code)> handler)
    {
        shutdown_waiters_.push_back(std::move(handler));
        if (!started_ || shut_down_)
        {
            complete_waiters(shutdown_waiters_);
            return;
        }
        if (!stopping_)
        {
            stopping_ = true;
            stop_timers();
        }
        if (!wait)
        {
            shutdown(false);
            return;
        }
        maybe_finish_async_shutdown();
    }

    void async_run(boost::asio::any_completion_handler<void(error_code)> handler)
    {
        if (run_waiter_)
        {
            complete_later(std::move(handler), errc::already_running);
            return;
        }
        if (shut_down_)
        {
            complete_later(std::move(handler), error_code{});
            return;
        }
        auto slot = boost::asio::get_associated_cancellation_slot(handler);
        if (slot.is_connected())
        {
            slot.assign([weak = this->weak_from_this(), ex = executor_](boost::asio::cancellation_type type) {
                if ((type & boost::asio::cancellation_type::terminal) == boost::asio::cancellation_type::none)
                    return;
                boost::asio::post(ex, [weak] {
                    if (auto self = weak.lock())
                        self->async_shutdown(true, [](error_code) {});
                });
            });
        }
        run_waiter_.emplace(std::move(handler));
        run_work_.emplace(boost::asio::prefer(executor_, boost::asio::execution::outstanding_work.tracked));
        if (!started_)
            start(false);
    }

    // ---------------------------------------------------------------------------------------------- executors

    void add_executor(std::string name, std::shared_ptr<job_executor> ex)
    {
        if (!ex)
            throw std::invalid_argument("add_executor '" + name + "': the executor must not be null");
        auto& s = slot(name);
        if (s.executor)
            throw scheduler_error(
                errc::conflicting_name,
                "executor '" + name + "' exists already; remove it before adding another"
            );
        s.executor = std::move(ex);
        emit(event_code::executor_added, [&](event& e) { e.alias = name; });
    }

    void add_jobstore(std::string name, std::shared_ptr<job_store> store)
    {
        if (!store)
            throw std::invalid_argument("add_jobstore '" + name + "': the store must not be null");
        if (auto it = stores_.find(name); it != stores_.end() && !it->second.removed)
            throw scheduler_error(
                errc::conflicting_name,
                "job store '" + name + "' exists already; remove it before adding another"
            );
        store_slot& s = stores_[name] = store_slot{name, std::move(store)};
        emit(event_code::jobstore_added, [&](event& e) { e.alias = name; });
        if (started_ && !stores_closed_)
            open_store(s);
    }

    void remove_jobstore(std::string_view name)
    {
        store_slot& s = existing_store(name);
        if (&s == default_store_)
            throw std::invalid_argument("remove_jobstore: the store 'default' cannot be removed");
        std::vector<record*> jobs;
        index_.for_each([&](record* r) {
            if (r->indexed && r->store == &s)
                jobs.push_back(r);
        });
        if (auto it = sharing_.find(&s); it != sharing_.end())
        {
            for (record* r : jobs)
                if (lease_info* l = find_lease(*r))
                    send_release(s, leased_write{r->id, l->fencing_token, r->next_run_time, true});
            it->second->wake_timer.cancel();
            it->second->renew_timer.cancel();
            sharing_.erase(it);
        }
        for (record* r : jobs)
            unindex(*r);
        if (s.store)
            s.store->close();
        s.removed = true;  // the slot stays: runs in progress still name it
        s.loaded = false;
        emit(event_code::jobstore_removed, [&](event& e) { e.alias = std::string(name); });
    }

    void remove_executor(std::string_view name)
    {
        auto it = executors_.find(name);
        if (it == executors_.end() || !it->second.executor)
            throw scheduler_error(errc::executor_not_found, "executor '" + std::string(name) + "' not found");
        shutdown_executor(it->second, true);
        it->second.executor.reset();
        emit(event_code::executor_removed, [&](event& e) { e.alias = std::string(name); });
    }

    // ---------------------------------------------------------------------------------------------- tasks

    void register_task(std::string name, task code)
    {
        if (name.empty())
            throw std::invalid_argument("register_task: the task name must not be empty");
        auto named = code.with_name(name);
        tasks_.insert_or_assign(std::move(name), std::move(named));
    }

    std::optional<task> find_task(std::string_view name) const
    {
        auto it = tasks_.find(name);
        if (it == tasks_.end())
            return std::nullopt;
        return it->second;
    }

    task registered_task(std::string_view name) const
    {
        auto found = find_task(name);
        if (!found)
            throw scheduler_error(
                errc::task_not_found,
                "task '" + std::string(name) + "' is not registered; call register_task first"
            );
        return *found;
    }

    // ---------------------------------------------------------------------------------------------- jobs

    /// Adds a job. `on_stored` (if any) is called once the job's store holds it: at once for the built-in memory
    /// store and for stores not yet loaded (the job is written at start), else after the store's write.
    job add_job(task&& code, trigger&& when, job_options&& o, std::function<void(error_code)> on_stored = {})
    {
        const bool replace_existing = o.replace_existing;
        const auto [r, replaced] = insert_job(std::move(code), std::move(when), std::move(o));
        store_slot& store = *r->store;
        if (log_level::info >= log_threshold_)
            log(log_level::info, std::string(replaced ? "replaced" : "added") + " job '" + r->id + "'");
        emit(event_code::job_added, [&](event& e) {
            e.job_id = r->id;
            e.jobstore = store.name;
        });
        job added = snapshot(*r);
        if (r->persistent && store.loaded)
            write_add(*r, true, std::move(on_stored));  // a stored job of that id not in the index was removed
        else if (r->persistent)
        {
            // Written once the store is read: async_add_job completes then
            auto& reg = store.registrations[r->id];
            reg.replace_existing = replace_existing;
            if (on_stored)
                reg.on_stored.push_back(std::move(on_stored));
        }
        else if (on_stored)
            boost::asio::post(executor_, [f = std::move(on_stored)] { f(error_code{}); });
        return added;
    }

    /// The part of adding a job that add_job and restoring a stored job share: checks, the record, its first run
    /// time, its timer. Neither announces nor writes anything.
    struct inserted_job
    {
        record* r;
        bool replaced;
    };

    inserted_job insert_job(task&& code, trigger&& when, job_options&& o)
    {
        store_slot& store = o.jobstore.empty() ? *default_store_ : existing_store(o.jobstore);
        if (store.store && code.name().empty())
            throw scheduler_error(
                errc::task_not_found,
                "job store '" + store.name + "' keeps jobs as data, so a job's task needs a name: register it with " +
                    "register_task(name, function) and add the job by the task's name"
            );
        check_max_instances(o.max_instances);
        if (o.max_instances && *o.max_instances == 0)
            throw std::invalid_argument("job option max_instances: 0 is not allowed; give at least 1");
        if (o.misfire_grace_time && o.misfire_grace_time->count() < 0)
            throw std::invalid_argument("job option misfire_grace_time: must not be negative");
        // The built-in slots are found without a map lookup: most jobs use them
        executor_slot& ex = !o.executor.empty()                  ? existing_slot(o.executor)
                            : code.kind() == task_kind::function ? *default_slot_
                                                                 : *inline_slot_;
        if (!ex.executor)
            throw scheduler_error(
                errc::executor_not_found,
                "executor '" + ex.name + "' was removed; add it again or name another"
            );
        apply_default_zone(when);

        std::optional<instant> keep_next;
        bool replaced = false;
        // A generated id (new_id, below) is new by construction: no lookup for a job it would replace
        const bool generated = o.id.empty();
        if (!generated)
            validate_job_id(o.id);
        record* old = generated ? nullptr : find(o.id);
        if (old != nullptr)
        {
            if (!o.replace_existing)
                throw scheduler_error(
                    errc::conflicting_job_id,
                    "job id '" + o.id + "' is taken in job store '" + old->store->name +
                        "'; pass replace_existing = true to replace that job"
                );
            // Same trigger: keep the schedule, so that registering at every start-up changes nothing
            if (old->when == when && !old->pending)
                keep_next = old->next_run_time;
        }
        // Before anything changes: a trigger that throws (an and search that gave up) leaves the scheduler as it was
        std::optional<instant> first;
        if (!o.paused && !o.next_run_time && !keep_next && started_)
            first = first_fire_time(when, Clocks::now());
        if (old != nullptr)
        {
            unindex(*old);
            replaced = true;
        }

        char id_text[job_id_generator::length];
        std::uint64_t id_number = 0;
        if (generated)
            id_number = new_id(id_text);
        const std::string_view generated_id(id_text, generated ? sizeof id_text : 0);
        record* r = generated ? create_record(generated_id, std::move(code), std::move(when))
                              : create_record(o.id, std::move(code), std::move(when));
        r->serial = ++serials_;
        if (!o.name.empty() && o.name != r->code.name())
            r->extra().custom_name = std::move(o.name);
        r->executor = &ex;
        r->store = &store;
        r->persistent = store.store != nullptr;
        r->grace = o.misfire_grace_time.value_or(options_.job_defaults.misfire_grace_time);
        r->coalesce = o.coalesce.value_or(options_.job_defaults.coalesce);
        r->max_instances = static_cast<std::uint32_t>(o.max_instances.value_or(options_.job_defaults.max_instances));
        if (!o.args.empty() || !o.kwargs.empty())
            r->extra().arguments = std::make_shared<const job_arguments>(
                job_arguments{std::move(o.args), std::move(o.kwargs)}
            );
        if (generated)
            index_.insert_numbered(id_number, r);
        else
            while (record* holder = index_.insert(r))
            {
                assert(!holder->indexed);  // a live job with this id was replaced or refused above
                evict_retired(*holder);    // a finished job not yet swept out holds the id
            }

        if (o.paused)
            r->next_run_time.reset();
        else if (o.next_run_time)
            r->next_run_time = o.next_run_time;
        else if (keep_next)
            r->next_run_time = keep_next;
        else if (started_)
            r->next_run_time = first;
        else
            r->pending = true;  // its first run time is computed at start
        if (started_ && !o.paused && !r->next_run_time)
            log(log_level::warning,
                "job '" + r->id + "' was added, but its trigger " + r->when.describe() +
                    " has no fire time left: it stays paused");
        arm(*r);
        return {r, replaced};
    }

    std::optional<job> get_job(std::string_view id, std::string_view jobstore) const
    {
        const record* r = find(id);
        if (r == nullptr || !in_store(*r, jobstore))
            return std::nullopt;
        return snapshot(*r);
    }

    std::vector<job> get_jobs(std::string_view jobstore) const
    {
        std::vector<job> jobs;
        std::vector<const record*> sorted;
        sorted.reserve(index_.size());
        index_.for_each([&](const record* r) {
            if (r->indexed && in_store(*r, jobstore))
                sorted.push_back(r);
        });
        std::sort(sorted.begin(), sorted.end(), [](const record* a, const record* b) {
            // By next run time; pending jobs next, then paused ones; ties by id for a stable table
            const auto rank = [](const record* r) { return r->next_run_time ? 0 : (r->pending ? 1 : 2); };
            if (rank(a) != rank(b))
                return rank(a) < rank(b);
            if (a->next_run_time && *a->next_run_time != *b->next_run_time)
                return *a->next_run_time < *b->next_run_time;
            return a->id < b->id;
        });
        jobs.reserve(sorted.size());
        for (const record* r : sorted)
            jobs.push_back(snapshot(*r));
        return jobs;
    }

    /// As APScheduler's print_jobs: one block per store (the one asked for, or every store), jobs by next run time.
    void print_jobs(std::ostream& out, std::string_view jobstore) const
    {
        if (!jobstore.empty())
            existing_store(jobstore);  // an unknown name is an error, as elsewhere
        for (const auto& [name, s] : stores_)
        {
            if (s.removed || (!jobstore.empty() && name != jobstore))
                continue;
            const auto jobs = get_jobs(name);
            out << "Jobstore " << name << ":\n";
            if (jobs.empty())
                out << "    No scheduled jobs\n";
            for (const auto& j : jobs)
            {
                out << "    " << j.id;
                if (j.name != j.id)
                    out << " \"" << j.name << "\"";
                out << " (trigger: " << j.trigger.describe() << ", ";
                if (j.next_run_time)
                    out << "next run at: " << format_datetime(*j.next_run_time, display_zone(j.trigger));
                else
                    out << (j.pending ? "pending: first run computed at start" : "paused");
                out << ")\n";
            }
        }
    }

    job modify_job(std::string_view id, job_changes changes, std::string_view jobstore)
    {
        record& r = existing(id, jobstore);
        if (changes.max_instances && *changes.max_instances == 0)
            throw std::invalid_argument("job option max_instances: 0 is not allowed; give at least 1");
        if (changes.misfire_grace_time && changes.misfire_grace_time->count() < 0)
            throw std::invalid_argument("job option misfire_grace_time: must not be negative");
        check_max_instances(changes.max_instances);
        if (r.persistent && changes.task && changes.task->name().empty())
            throw scheduler_error(
                errc::task_not_found,
                "job '" + r.id + "': job store '" + r.store->name +
                    "' keeps jobs as data, so the new task needs a name (register_task)"
            );
        executor_slot* ex = changes.executor ? &existing_slot(*changes.executor) : r.executor;
        // The new trigger's first fire time before anything changes: a trigger that throws (an exhausted `and`)
        // leaves the job exactly as it was
        std::optional<trigger> new_trigger;
        std::optional<instant> new_first;
        const bool recompute = changes.trigger && r.next_run_time && !changes.next_run_time;
        if (changes.trigger)
        {
            new_trigger = std::move(*changes.trigger);
            apply_default_zone(*new_trigger);
            // A paused job stays paused; a pending one gets its time at start
            if (recompute)
                new_first = first_fire_time(*new_trigger, Clocks::now());
        }

        r.executor = ex;
        if (changes.name)
            r.extra().custom_name = std::move(*changes.name);
        if (changes.task)
            r.code = std::move(*changes.task);
        if (changes.misfire_grace_time)
            r.grace = *changes.misfire_grace_time;
        if (changes.coalesce)
            r.coalesce = *changes.coalesce;
        if (changes.max_instances)
            r.max_instances = static_cast<std::uint32_t>(*changes.max_instances);
        if (changes.args || changes.kwargs)
        {
            job_arguments arguments = r.arguments() ? *r.arguments() : job_arguments{};
            if (changes.args)
                arguments.args = std::move(*changes.args);
            if (changes.kwargs)
                arguments.kwargs = std::move(*changes.kwargs);
            r.extra().arguments = std::make_shared<const job_arguments>(std::move(arguments));
        }
        if (new_trigger)
        {
            r.when = std::move(*new_trigger);
            if (recompute)
                r.next_run_time = new_first;
        }
        if (changes.next_run_time)
        {
            r.next_run_time = changes.next_run_time;
            r.pending = false;
        }
        arm(r);
        emit_job(event_code::job_modified, r);
        return snapshot(r);
    }

    job reschedule_job(std::string_view id, trigger when, std::string_view jobstore)
    {
        record& r = existing(id, jobstore);
        apply_default_zone(when);
        // Computed before anything changes: a trigger that throws leaves the job as it was
        const std::optional<instant> first = started_ ? first_fire_time(when, Clocks::now()) : std::optional<instant>{};
        r.when = std::move(when);
        if (started_)
        {
            r.pending = false;
            r.next_run_time = first;
        }
        else
        {
            r.pending = true;
            r.next_run_time.reset();
        }
        arm(r);
        emit_job(event_code::job_modified, r);
        return snapshot(r);
    }

    job pause_job(std::string_view id, std::string_view jobstore)
    {
        record& r = existing(id, jobstore);
        r.next_run_time.reset();
        r.pending = false;
        disarm(r);
        emit_job(event_code::job_modified, r);
        return snapshot(r);
    }

    std::optional<job> resume_job(std::string_view id, std::string_view jobstore)
    {
        record& r = existing(id, jobstore);
        if (!started_)
        {
            r.pending = true;
            emit_job(event_code::job_modified, r);
            return snapshot(r);
        }
        // As in APScheduler, a date job whose date passed while paused becomes due: a misfire, never dropped
        r.next_run_time = first_fire_time(r.when, Clocks::now());
        if (!r.next_run_time)
        {
            remove(r);
            write_remove(r);
            return std::nullopt;
        }
        arm(r);
        emit_job(event_code::job_modified, r);
        return snapshot(r);
    }

    void remove_job(std::string_view id, std::string_view jobstore)
    {
        record& r = existing(id, jobstore);
        const record_ref hold(&r);
        drop_awaiting_runs(r);
        remove(r);
        write_remove(r);
    }

    void remove_all_jobs(std::string_view jobstore)
    {
        if (!jobstore.empty())
            existing_store(jobstore);
        std::vector<record*> all;
        all.reserve(index_.size());
        index_.for_each([&](record* r) {
            if (r->indexed && in_store(*r, jobstore))
                all.push_back(r);
        });
        for (record* r : all)
        {
            drop_awaiting_runs(*r);
            unindex(*r);
        }
        for (auto& [name, s] : stores_)
            if (s.store && (jobstore.empty() || jobstore == name))
            {
                fail_registrations(s, errc::job_not_found);
                ++s.writes;
                if (!stores_closed_)
                    s.store->async_remove_all(store_completion(s, {}, "remove all jobs"));
            }
        log(log_level::info, "removed all jobs");
        emit(event_code::all_jobs_removed, [&](event& e) { e.jobstore = std::string(jobstore); });
    }

    void run_job_now(std::string_view id, std::string_view jobstore)
    {
        record& r = existing(id, jobstore);
        if (!started_ || shut_down_)
            throw scheduler_error(
                errc::scheduler_not_running,
                "run_job_now '" + r.id + "': the scheduler is not running; start it first"
            );
        const instant now = Clocks::now();
        const record_ref hold(&r);  // an inline run may remove the job
        if (r.running >= r.max_instances)
            report_refused(r, run_times{now});
        else
            submit(r, now);
    }

    // ---------------------------------------------------------------------------------------------- events

    listener_id add_listener(event_listener listener, event_mask mask)
    {
        const auto id = listener_id{++listener_serial_};
        listeners_.push_back({id, mask, std::move(listener)});
        update_listener_mask();
        return id;
    }

    void remove_listener(listener_id id)
    {
        for (auto& l : listeners_)
            if (l.id == id)
                l.function = nullptr;  // erased after any emission in progress
        if (emitting_ == 0)
            std::erase_if(listeners_, [](const listener& l) { return !l.function; });
        update_listener_mask();
    }

    // ---------------------------------------------------------------------------------------------- runs

    void run_finished(
        const std::string& job_id,
        std::uint64_t serial,
        const std::string& jobstore,
        instant scheduled,
        job_outcome outcome
    ) override
    {
        record* r = find(job_id);
        if (r != nullptr && r->serial == serial && r->running > 0)
            --r->running;
        else
            r = nullptr;
        --runs_in_flight_;
        report_outcome(job_id, jobstore, scheduled, std::move(outcome));
        if (r != nullptr && r->running == 0 && r->store->shared != nullptr)
            maybe_release(*r);
        maybe_finish_async_shutdown();
    }

    /// For tests: how many runs are in progress.
    std::size_t runs_in_flight() const noexcept { return runs_in_flight_; }

private:
    struct listener
    {
        listener_id id;
        event_mask mask;
        event_listener function;
    };

    // ---------------------------------------------------------------------------------------------- lookup

    record* find(std::string_view id) const
    {
        record* r = index_.find(id);
        return r == nullptr || !r->indexed ? nullptr : r;
    }

    static bool in_store(const record& r, std::string_view jobstore) noexcept
    {
        return jobstore.empty() || r.store->name == jobstore;
    }

    store_slot& existing_store(std::string_view name)
    {
        return const_cast<store_slot&>(std::as_const(*this).existing_store(name));
    }

    const store_slot& existing_store(std::string_view name) const
    {
        auto it = stores_.find(name);
        if (it == stores_.end() || it->second.removed)
        {
            std::string names;
            for (const auto& [n, s] : stores_)
                if (!s.removed)
                    names += (names.empty() ? "'" : ", '") + n + "'";
            throw scheduler_error(
                errc::jobstore_not_found,
                "job store '" + std::string(name) + "' not found; this scheduler has " + names
            );
        }
        return it->second;
    }

    static void check_max_instances(const std::optional<std::size_t>& max)
    {
        if (max && *max > std::numeric_limits<std::uint32_t>::max())
            throw std::invalid_argument(
                "job option max_instances: " + std::to_string(*max) + " is too large (at most " +
                std::to_string(std::numeric_limits<std::uint32_t>::max()) + ")"
            );
    }

    record& existing(std::string_view id, std::string_view jobstore) const
    {
        record* r = find(id);
        if (r != nullptr && !in_store(*r, jobstore))
            r = nullptr;
        if (r == nullptr)
            throw scheduler_error(
                errc::job_not_found,
                "job '" + std::string(id) + "' not found" +
                    (jobstore.empty() ? std::string() : " in job store '" + std::string(jobstore) + "'")
            );
        return *r;
    }

    executor_slot& slot(const std::string& name)
    {
        auto it = executors_.find(name);
        if (it == executors_.end())
            it = executors_.emplace(name, executor_slot{name, nullptr}).first;
        return it->second;
    }

    executor_slot& existing_slot(const std::string& name)
    {
        // The built-in slots without a map lookup: most jobs use them
        const std::string_view n = name;  // compared with literals: no call to memcmp
        executor_slot* found = n == "inline" ? inline_slot_ : n == "default" ? default_slot_ : nullptr;
        if (found == nullptr)
        {
            auto it = executors_.find(name);
            found = it == executors_.end() ? nullptr : &it->second;
        }
        if (found == nullptr || !found->executor)
            throw scheduler_error(
                errc::executor_not_found,
                "executor '" + name + "' not found; add it first, or use 'default' or 'inline'"
            );
        return *found;
    }

    /// Gives a trigger the scheduler's zone in place of an unspecified one; no copy when that changes nothing (date
    /// and interval triggers, or a trigger whose zone is given).
    void apply_default_zone(trigger& when) const
    {
        if (zone_specified_ && trigger_access::impl(when).zone_affects_fire_times())
            when = when.with_default_zone(options_.zone);
    }

    time_zone display_zone(const trigger& when) const
    {
        return when.zone().is_specified() ? when.zone() : options_.zone;
    }

    job snapshot(const record& r) const
    {
        return job{
            .id = r.id,
            .name = r.custom_name()          ? *r.custom_name()
                    : !r.code.name().empty() ? std::string(r.code.name())
                                             : r.id,
            .task = r.code,
            .trigger = r.when,
            .executor = r.executor->name,
            .jobstore = r.store->name,
            .misfire_grace_time = r.grace,
            .coalesce = r.coalesce,
            .max_instances = r.max_instances,
            .arguments = r.arguments() ? r.arguments() : no_arguments,
            .next_run_time = r.next_run_time,
            .pending = r.pending,
            .running_instances = r.running,
        };
    }

    // ---------------------------------------------------------------------------------------------- timers

    /// Arms the job's timer for its next run time when the scheduler runs; disarms it otherwise.
    void arm(record& r)
    {
        if (state_ != scheduler_state::running || stopping_ || !r.indexed || !r.next_run_time ||
            (r.store->shared != nullptr && find_lease(r) == nullptr))
        {
            disarm(r);  // a shared store's job fires only in the scheduler that holds it
            return;
        }
        // An absolute deadline from one wall-to-timer offset: a slow pass never delays the next one, and runs due
        // at one instant share one deadline (the timer queue then hands them out in one sweep)
        // Asio's operation for this wait fits the record's buffer (else every arm would allocate)
        static_assert(
            sizeof(boost::asio::detail::wait_handler<wait_handler, boost::asio::io_context::executor_type>) <=
                wait_op_size,
            "Asio's wait operation outgrew record::wait_buffer: raise wait_op_size"
        );
        error_code ignored;
        timers().expires_at(r.timer, to_timer_time(*r.next_run_time), ignored);  // cancels a wait queued
        ++r.generation;
        r.waiting = true;
        wait_handler handler{record_ref(&r), r.generation};
        timers().async_wait(r.timer, handler, io_.get_executor());
    }

    timer_service& timers() const noexcept { return *link_->timers; }

    void disarm(record& r)
    {
        ++r.generation;
        if (r.waiting)
        {
            r.waiting = false;
            error_code ignored;
            timers().cancel(r.timer, ignored);
        }
    }

    void arm_all()
    {
        refresh_clock_offset();
        index_.for_each([this](record* r) { arm(*r); });
    }

    /// Reads both clocks once: the offset maps wall instants to timer time until the next refresh (start, resume,
    /// a clock step, and at most once a second as timers fire, which follows slow drift between the clocks).
    void refresh_clock_offset()
    {
        const instant wall = Clocks::now();
        offset_wall_ = wall;
        offset_timer_ = Clocks::timer_now();
    }

    typename timer_clock::time_point to_timer_time(instant t) const
    {
        // Saturated both ways: instants are in the domain, so the difference fits microseconds, but not always the
        // timer clock's nanoseconds. A time in the past only needs to be expired.
        const auto wait = std::clamp(t - offset_wall_, -max_timer_wait, max_timer_wait);
        return offset_timer_ + std::chrono::duration_cast<typename timer_clock::duration>(wait);
    }

    void stop_timers()
    {
        index_.for_each([this](record* r) { disarm(*r); });
        if (step_watcher_)
            step_watcher_->cancel();
    }

    void watch_clock_steps()
    {
        if (!step_watcher_)
            step_watcher_.emplace(executor_);
        step_watcher_->async_wait([weak = this->weak_from_this()](error_code ec) {
            auto self = weak.lock();
            if (ec || !self || self->shut_down_ || self->stopping_)
                return;
            self->log(
                log_level::info,
                "the system clock was set; re-arming " + std::to_string(self->index_.size()) +
                    " job timers for the new time"
            );
            self->arm_all();
            self->watch_clock_steps();
        });
    }

    void on_timer(record& r)
    {
        if (state_ != scheduler_state::running || stopping_ || !r.next_run_time)
            return;
        const instant now = Clocks::now();
        if (now - offset_wall_ > std::chrono::seconds{1} || now < offset_wall_)
            refresh_clock_offset();
        if (*r.next_run_time > now)
        {
            arm(r);  // woke early: the wall clock moved back
            return;
        }
        if (r.store->shared != nullptr)
        {
            fire_held(r, now);
            return;
        }
        const record_ref hold(&r);  // runs below may remove the job

        // The common case without plan_runs' bookkeeping: one due time, on time, a free instance. It decides exactly
        // what plan_runs would (tests compare the two through the scheduler's behaviour)
        const instant due = *r.next_run_time;
        if (!misfired(due, now, r.grace) && r.running < r.max_instances)
        {
            std::optional<instant> next;
            try
            {
                next = r.when.next_fire_time(due, now);
            }
            catch (...)
            {
                trigger_failed(r, due, std::current_exception());
                return;
            }
            if (!next || *next > now)
            {
                r.next_run_time = next;
                if (next)
                    arm(r);
                if (r.persistent)
                {
                    // At most once: the run starts when the store has the next run time (or the removal)
                    defer_runs(r, {due}, !next);
                    return;
                }
                submit(r, due);
                if (!next && r.indexed)
                    retire(r);
                return;
            }
        }

        std::optional<run_plan> planned = plan_or_pause(r, now);
        if (!planned)
            return;
        run_plan& plan = *planned;

        // The job's state first, so that runs below see it as it will be
        r.next_run_time = plan.next_run_time;
        if (r.next_run_time)
            arm(r);
        if (!plan.missed.empty())
            report_missed(r, plan.missed);
        if (!plan.refused.empty())
            report_refused(r, plan.refused);
        if (r.persistent)
        {
            defer_runs(r, plan.runs, !plan.next_run_time);
            return;
        }
        for (const instant t : plan.runs)
        {
            if (!r.indexed)
                break;  // a run removed the job: the rest do not run
            submit(r, t);
        }
        if (!plan.next_run_time && r.indexed)
            retire(r);
    }

    /// The runs due for `r` at `now` by its misfire rules; none when its trigger throws, which pauses the job.
    std::optional<run_plan> plan_or_pause(record& r, instant now)
    {
        try
        {
            return plan_runs(
                r.when,
                *r.next_run_time,
                now,
                run_policy{r.grace, r.coalesce, r.max_instances},
                r.running
            );
        }
        catch (...)
        {
            trigger_failed(r, *r.next_run_time, std::current_exception());
            return std::nullopt;
        }
    }

    /// A trigger that throws while the scheduler computes a next fire time (an `and` search that gave up, ...) must
    /// not stall the scheduler: the job is paused before the run that was due, stays in its store (paused), and the
    /// failure is logged and reported. Only a call the user made (add, modify, resume) passes the error to its caller.
    void trigger_failed(record& r, instant due, const std::exception_ptr& error)
    {
        r.next_run_time.reset();
        r.pending = false;
        disarm(r);
        log(log_level::error,
            "job '" + r.id + "' is paused: its trigger " + r.when.describe() +
                " failed to compute the next fire time after " + format_datetime(due, display_zone(r.when)) + ": " +
                exception_text(error));
        if (r.persistent)
            write_update(r);  // as pause_job does: a shared store revokes the lease, and no scheduler fires it
        emit(event_code::job_trigger_failed, [&](event& e) {
            e.job_id = r.id;
            e.jobstore = r.store->name;
            e.scheduled_run_times = {due};
            e.exception = error;
        });
    }

    /// The first fire time of a job that the scheduler (not a call of the user's) schedules: at start, or as a
    /// store is read. A trigger that throws pauses the job (trigger_failed).
    std::optional<instant> scheduled_first_fire_time(record& r, instant now)
    {
        try
        {
            return first_fire_time(r.when, now);
        }
        catch (...)
        {
            trigger_failed(r, now, std::current_exception());
            return std::nullopt;
        }
    }

    // ---------------------------------------------------------------------------------------------- runs

    void submit(record& r, instant scheduled, std::uint64_t fencing_token = 0)
    {
        ++r.running;
        ++runs_in_flight_;
        if (listener_mask_ & static_cast<event_mask>(event_code::job_submitted))
            emit(event_code::job_submitted, [&](event& e) {
                e.job_id = r.id;
                e.jobstore = r.store->name;
                e.scheduled_run_times = {scheduled};
            });
        job_executor* ex = r.executor->executor.get();
        if (ex == nullptr)
        {
            job_outcome outcome;
            outcome.error = std::make_exception_ptr(scheduler_error(
                errc::executor_not_found,
                "executor '" + r.executor->name + "' was removed; the run cannot start"
            ));
            finish(r, scheduled, std::move(outcome));
            return;
        }
        if (ex->runs_inline() && r.code.kind() == task_kind::function)
        {
            // The fast path: no job_run, no reporter, no post, no allocation (the context refers to the record; an id
            // of up to 15 characters is copied into a std::string's own buffer)
            std::optional<std::string> id_scratch;
            const job_context context(
                r.id.as_string(id_scratch),
                scheduled,
                r.arguments().get(),
                &executor_,
                owner_,
                &typeid(basic_scheduler<Clocks>),
                fencing_token
            );
            job_outcome outcome;
            {
                const running_a_job marker;
                r.code.impl().run(context, outcome);
            }
            finish(r, scheduled, std::move(outcome));
            return;
        }
        auto reporter = std::make_shared<core_reporter>(
            this->weak_from_this(),
            executor_,
            r.id,
            r.serial,
            r.store->name,
            scheduled
        );
        job_run run(std::make_unique<pending_run>(
            r.code,
            r.id,
            scheduled,
            r.arguments(),
            executor_,
            owner_,
            &typeid(basic_scheduler<Clocks>),
            std::move(reporter),
            fencing_token
        ));
        try
        {
            ex->submit(std::move(run));
        }
        catch (...)
        {
            // The executor refused: its job_run, destroyed unstarted, reports the run abandoned
            log(log_level::error, "executor '" + r.executor->name + "' refused a run of job '" + r.id + "'");
        }
    }

    void finish(record& r, instant scheduled, job_outcome&& outcome)
    {
        --r.running;
        --runs_in_flight_;
        if (outcome.error || (listener_mask_ & static_cast<event_mask>(event_code::job_executed)))
            report_outcome(r.id, r.store->name, scheduled, std::move(outcome));  // else it has nothing to do
        if (r.running == 0 && r.store->shared != nullptr)
            maybe_release(r);
        maybe_finish_async_shutdown();
    }

    void report_outcome(std::string_view job_id, std::string_view jobstore, instant scheduled, job_outcome&& outcome)
    {
        if (outcome.error)
        {
            if (log_level::error >= log_threshold_)
                log(log_level::error, "job '" + std::string(job_id) + "' failed: " + exception_text(outcome.error));
            emit(event_code::job_error, [&](event& e) {
                e.job_id = job_id;
                e.jobstore = jobstore;
                e.scheduled_run_times = {scheduled};
                e.exception = outcome.error;
            });
        }
        else if (listener_mask_ & static_cast<event_mask>(event_code::job_executed))
        {
            emit(event_code::job_executed, [&](event& e) {
                e.job_id = job_id;
                e.jobstore = jobstore;
                e.scheduled_run_times = {scheduled};
                e.result = std::move(outcome.result);
                e.return_value = std::move(outcome.value);
            });
        }
    }

    void report_missed(record& r, const run_times& missed)
    {
        if (log_level::warning >= log_threshold_)
            log(log_level::warning,
                "job '" + r.id + "' missed " + std::to_string(missed.size()) + " run(s), the latest scheduled for " +
                    format_datetime(missed.back(), display_zone(r.when)) + ": later than its misfire grace time");
        if (r.coalesce)
            emit(event_code::job_missed, [&](event& e) {
                e.job_id = r.id;
                e.jobstore = r.store->name;
                e.scheduled_run_times.assign(missed.begin(), missed.end());
            });
        else
            for (const instant t : missed)
                emit(event_code::job_missed, [&](event& e) {
                    e.job_id = r.id;
                    e.jobstore = r.store->name;
                    e.scheduled_run_times = {t};
                });
    }

    void report_refused(record& r, const run_times& refused)
    {
        if (log_level::warning >= log_threshold_)
            log(log_level::warning,
                "job '" + r.id + "': " + std::to_string(refused.size()) + " run(s) not started: max_instances (" +
                    std::to_string(r.max_instances) + ") allows no more at once (" + std::to_string(r.running) +
                    " running; runs due together count against it too)");
        emit(event_code::job_max_instances, [&](event& e) {
            e.job_id = r.id;
            e.jobstore = r.store->name;
            e.scheduled_run_times.assign(refused.begin(), refused.end());
        });
    }

    // ---------------------------------------------------------------------------------------------- stores

    /// The job as its store keeps it.
    job_description describe(const record& r) const
    {
        return job_description{
            .id = r.id,
            .name = r.custom_name() ? *r.custom_name() : std::string(),
            .task_name = std::string(r.code.name()),
            .args = r.arguments() ? r.arguments()->args : boost::json::array(),
            .kwargs = r.arguments() ? r.arguments()->kwargs : boost::json::object(),
            .trigger = r.when,
            .executor = r.executor->name,
            .misfire_grace_time = r.grace,
            .coalesce = r.coalesce,
            .max_instances = r.max_instances,
            .next_run_time = r.next_run_time,
            .paused = !r.next_run_time && !r.pending,
        };
    }

    bool writable(const record& r) const noexcept { return r.persistent && r.store->loaded && !stores_closed_; }

    /// A store's completion, on the scheduler's executor: failures are logged and reported as jobstore_error.
    auto store_completion(
        store_slot& s,
        std::string job_id,
        std::string what,
        std::function<void(error_code)> then = {}
    )
    {
        return boost::asio::bind_executor(
            executor_,
            [weak = this->weak_from_this(),
             store = s.name,
             job_id = std::move(job_id),
             what = std::move(what),
             then = std::move(then)](error_code ec) {
                if (ec)
                    if (auto self = weak.lock())
                        self->report_store_error(store, job_id, what, ec);
                if (then)
                    then(ec);
            }
        );
    }

    void report_store_error(
        const std::string& store,
        const std::string& job_id,
        const std::string& what,
        error_code ec,
        std::string_view consequence = {}
    )
    {
        const std::string text = "job store '" + store + "' could not " + what +
                                 (job_id.empty() ? std::string() : " of job '" + job_id + "'") + ": " + ec.message() +
                                 std::string(consequence);
        log(log_level::error, text);
        emit(event_code::jobstore_error, [&](event& e) {
            e.jobstore = store;
            e.job_id = job_id;
            e.exception = std::make_exception_ptr(boost::system::system_error(ec, text));
        });
    }

    void write_add(record& r, bool replace_existing, std::function<void(error_code)> on_stored = {})
    {
        if (!writable(r))
        {
            if (on_stored)
                boost::asio::post(executor_, [f = std::move(on_stored)] { f(errc::shut_down); });
            return;
        }
        r.extra().store_write = ++r.store->writes;
        try
        {
            r.store->store
                ->async_add(describe(r), replace_existing, job_write_completion(*r.store, r.id, "add", on_stored));
        }
        catch (const std::exception& e)
        {
            refused_write(r, "add", e, std::move(on_stored));
        }
    }

    /// A store that throws from an initiating call (a description it cannot write) fails that one write.
    void refused_write(
        record& r,
        const char* what,
        const std::exception& e,
        std::function<void(error_code)> on_stored = {}
    )
    {
        log(log_level::error,
            "job store '" + r.store->name + "' refused to " + what + " job '" + r.id + "': " + e.what());
        emit(event_code::jobstore_error, [&](event& ev) {
            ev.jobstore = r.store->name;
            ev.job_id = r.id;
            ev.exception = std::current_exception();
        });
        if (on_stored)
            boost::asio::post(executor_, [f = std::move(on_stored)] { f(errc::job_not_found); });
    }

    /// Writes a job registered before its store was read, then completes its async_add_job callers.
    void write_registration(record& r, store_slot::registration&& reg)
    {
        write_add(r, true, [waiting = std::move(reg.on_stored)](error_code ec) {
            for (const auto& f : waiting)
                f(ec);
        });
    }

    void fail_registrations(store_slot& s, error_code ec)
    {
        for (auto& [id, reg] : s.registrations)
            for (auto& f : reg.on_stored)
                boost::asio::post(executor_, [f = std::move(f), ec] { f(ec); });
        s.registrations.clear();
    }

    void write_update(record& r, std::function<void(error_code)> then = {})
    {
        if (!writable(r))
            return;
        if (r.store->shared != nullptr)
            forget_lease(r);  // the store revokes every lease on a job it is told to change
        r.extra().store_write = ++r.store->writes;
        try
        {
            r.store->store->async_update(describe(r), job_write_completion(*r.store, r.id, "update", std::move(then)));
        }
        catch (const std::exception& e)
        {
            refused_write(r, "update", e);
        }
    }

    void write_remove(record& r, std::function<void(error_code)> then = {})
    {
        if (!writable(r))
            return;
        if (r.store->shared != nullptr)
            forget_lease(r);
        r.extra().store_write = ++r.store->writes;
        r.store->store->async_remove(r.id, job_write_completion(*r.store, r.id, "remove", std::move(then)));
    }

    // ---------------------------------------------------------------------------- failed writes, and at most once

    /// The failed writes of one store that is not shared (a shared store's loop resyncs its jobs itself): the jobs
    /// whose stored state is older than the scheduler's, written again with backoff until the write lands or the
    /// store is closed. The current state is written (an add that replaces, or a removal once the job is gone), so
    /// any number of failed writes of one job take one retry.
    struct write_retry
    {
        explicit write_retry(boost::asio::io_context& io) : timer(io) {}

        timer_type timer;
        std::set<std::string, std::less<>> stale;  // the jobs whose last write failed
        // Jobs with runs waiting for their write to land (at most once), held alive even when finished
        std::map<std::string, std::shared_ptr<record_ref>, std::less<>> holding;
        std::size_t in_flight{0};            // retried writes not answered yet
        std::chrono::milliseconds delay{0};  // the next wait: first_retry_delay, doubling up to max_retry_delay
        bool armed{false};
        bool outage{false};  // reported, its end not yet
        std::size_t failed_in_outage{0};
    };
    static constexpr std::chrono::milliseconds first_retry_delay{100};
    static constexpr std::chrono::milliseconds max_retry_delay{30'000};

    write_retry& retry_state(const std::string& store)
    {
        auto& slot = retries_[store];
        if (!slot)
            slot = std::make_unique<write_retry>(io_);
        return *slot;
    }

    /// The completion of a write of one job to a store that is not shared: a failure is retried (write_failed);
    /// a success makes any earlier failure of the job moot, as the job's whole state was written.
    auto job_write_completion(store_slot& s, std::string job_id, std::string what, std::function<void(error_code)> then)
    {
        return boost::asio::bind_executor(
            executor_,
            [weak = this->weak_from_this(),
             shared = s.shared != nullptr,
             store = s.name,
             job_id = std::move(job_id),
             what = std::move(what),
             then = std::move(then)](error_code ec) {
                auto self = weak.lock();
                if (!self)
                    return;
                // The store's own answers (an id taken by another process, a job another process removed) are
                // final; only failures to write (a full disk, an I/O error, a lost connection) are retried
                if (ec && (shared || ec.category() == get_error_category()))
                    self->report_store_error(store, job_id, what, ec);
                else if (ec)
                    self->write_failed(store, job_id, what, ec);
                else if (auto it = self->retries_.find(store); it != self->retries_.end())
                    it->second->stale.erase(job_id);
                if (then)
                    then(ec);
            }
        );
    }

    void write_failed(const std::string& store, const std::string& job_id, const std::string& what, error_code ec)
    {
        write_retry& w = retry_state(store);
        w.stale.insert(job_id);
        ++w.failed_in_outage;
        if (!w.outage)
        {
            // Once per outage: a full disk fails every write, and each would say the same
            w.outage = true;
            w.delay = first_retry_delay;
            report_store_error(
                store,
                job_id,
                what,
                ec,
                "; the scheduler keeps the job's state and writes it again until the store takes it"
            );
        }
        else
            log(log_level::debug,
                "job store '" + store + "' could not " + what + " of job '" + job_id + "': " + ec.message() +
                    " (retried)");
        arm_retry(store, w);
    }

    void arm_retry(const std::string& store, write_retry& w)
    {
        if (w.armed || w.in_flight > 0 || w.stale.empty() || stores_closed_)
            return;
        w.armed = true;
        w.timer.expires_after(w.delay);
        w.delay = std::min(w.delay * 2, max_retry_delay);
        w.timer.async_wait(boost::asio::bind_executor(executor_, [weak = this->weak_from_this(), store](error_code ec) {
            if (auto self = weak.lock(); self && !ec)
                self->retry_writes(store);
        }));
    }

    /// Writes each stale job's current state: the job as it is now, or its removal when it is gone.
    void retry_writes(const std::string& store)
    {
        const auto it = retries_.find(store);
        store_slot* s = live_store(store);
        if (it == retries_.end() || s == nullptr)
            return;
        write_retry& w = *it->second;
        w.armed = false;
        const auto ids = std::exchange(w.stale, {});
        for (const std::string& id : ids)
        {
            record* r = find(id);
            const bool removal = r == nullptr || r->store != s;
            auto done = boost::asio::bind_executor(
                executor_,
                [weak = this->weak_from_this(), store, id, removal](error_code ec) {
                    if (auto self = weak.lock())
                        self->retry_done(store, id, removal, ec);
                }
            );
            ++w.in_flight;
            ++s->writes;
            try
            {
                if (removal)
                    s->store->async_remove(id, std::move(done));
                else
                {
                    r->extra().store_write = s->writes;
                    s->store->async_add(describe(*r), true, std::move(done));
                }
            }
            catch (const std::exception&)
            {
                boost::asio::post(
                    executor_,
                    boost::asio::append(std::move(done), make_error_code(errc::job_not_found))
                );
            }
        }
    }

    void retry_done(const std::string& store, const std::string& id, bool removal, error_code ec)
    {
        const auto it = retries_.find(store);
        if (it == retries_.end())
            return;
        write_retry& w = *it->second;
        --w.in_flight;
        if (ec && !(removal && ec == errc::job_not_found))  // removing what is not there has landed
        {
            w.stale.insert(id);
            ++w.failed_in_outage;
        }
        else if (auto held = w.holding.find(id); held != w.holding.end())
        {
            const auto hold = std::move(held->second);
            w.holding.erase(held);
            release_awaiting_runs(*hold->get());
        }
        if (w.in_flight > 0)
            return;
        if (!w.stale.empty())
        {
            arm_retry(store, w);
            return;
        }
        if (w.outage)
        {
            w.outage = false;
            log(log_level::info,
                "job store '" + store + "' takes writes again: the jobs' stored state is up to date (" +
                    std::to_string(w.failed_in_outage) + " failed writes were made good)");
            emit(event_code::jobstore_recovered, [&](event& e) { e.jobstore = store; });
            w.failed_in_outage = 0;
        }
    }

    /// At most once: the runs of a fire start when the store has the fire's write, the job's next run time (or its
    /// removal, once finished). A write that fails delays them until a retry lands; they never run twice, and a
    /// shutdown before that drops them (said in the log).
    void defer_runs(record& r, const run_times& runs, bool finished)
    {
        auto& waiting = r.extra().awaiting_write;
        waiting.insert(waiting.end(), runs.begin(), runs.end());
        auto then = [weak = this->weak_from_this(), hold = std::make_shared<record_ref>(&r)](error_code ec) {
            auto self = weak.lock();
            if (!self)
                return;
            if (!ec)
                self->release_awaiting_runs(*hold->get());
            else
                self->retry_state(hold->get()->store->name).holding[std::string(hold->get()->id)] = hold;
        };
        if (finished)
        {
            if (r.indexed)
                retire(r, std::move(then));
        }
        else
            write_update(r, std::move(then));
    }

    void release_awaiting_runs(record& r)
    {
        if (!r.extras || r.extras->awaiting_write.empty())
            return;
        const auto runs = std::exchange(r.extras->awaiting_write, {});
        if (state_ == scheduler_state::stopped || shut_down_)
            return;
        const instant now = Clocks::now();
        run_times missed;
        for (const instant t : runs)
        {
            if (misfired(t, now, r.grace))
                missed.push_back(t);  // the write took longer than the grace time: a late run is a missed one
            else if (r.running >= r.max_instances)
                report_refused(r, {t});
            else
                submit(r, t);
        }
        if (!missed.empty())
            report_missed(r, missed);
    }

    void drop_awaiting_runs(record& r) noexcept
    {
        if (r.extras)
            r.extras->awaiting_write.clear();
    }

    /// At shutdown: the writes that never landed, and the runs that waited for them, said plainly.
    void report_unmade_writes()
    {
        for (auto& [store, w] : retries_)
        {
            w->timer.cancel();
            w->armed = false;
            std::size_t dropped_runs = 0;
            for (auto& [id, hold] : w->holding)
                if (hold->get()->extras)
                    dropped_runs += std::exchange(hold->get()->extras->awaiting_write, {}).size();
            w->holding.clear();
            if (w->stale.empty() && w->in_flight == 0)
                continue;
            std::string ids;
            std::size_t shown = 0;
            for (const auto& id : w->stale)
                if (shown++ < 5)
                    ids += (ids.empty() ? "'" : ", '") + id + "'";
            log(log_level::warning,
                "job store '" + store + "': " + std::to_string(w->stale.size() + w->in_flight) +
                    " job writes could not be made before shutdown" +
                    (ids.empty() ? "" : " (" + ids + (w->stale.size() > 5 ? ", ..." : "") + ")") +
                    "; the store holds those jobs as they were before, and " + std::to_string(dropped_runs) +
                    " runs that waited for their writes did not start");
        }
    }

    /// At start (or when a store is added to a started scheduler): loads its jobs and watches for other processes.
    void open_store(store_slot& s)
    {
        s.shared = dynamic_cast<shared_job_store*>(s.store.get());
        if (s.shared != nullptr)
            s.shared->watch_shared([weak = this->weak_from_this(),
                                    ex = executor_,
                                    name = s.name](shared_store_signal signal, std::optional<instant> when) {
                boost::asio::post(ex, [weak, name, signal, when] {
                    if (auto self = weak.lock())
                        self->on_shared_signal(name, signal, when);
                });
            });
        else
            s.store->watch([weak = this->weak_from_this(), ex = executor_, name = s.name] {
                boost::asio::post(ex, [weak, name] {
                    if (auto self = weak.lock())
                        self->reload_store(name);
                });
            });
        read_store(s);
    }

    void reload_store(const std::string& name)
    {
        auto it = stores_.find(name);
        if (it == stores_.end() || !it->second.store || !it->second.loaded || stores_closed_)
            return;
        store_slot& s = it->second;
        if (s.reloading)
        {
            s.reload_again = true;
            return;
        }
        log(log_level::info, "job store '" + name + "' was changed by another process; reading it again");
        read_store(s);
    }

    void read_store(store_slot& s)
    {
        s.reloading = s.loaded;
        s.store->async_all_jobs(boost::asio::bind_executor(
            executor_,
            [weak = this->weak_from_this(), name = s.name, issued = s.writes](error_code ec, job_listing listing) {
                auto self = weak.lock();
                if (!self || self->stores_closed_)
                    return;
                auto it = self->stores_.find(name);
                if (it == self->stores_.end() || it->second.removed)
                    return;
                self->apply_listing(it->second, issued, ec, std::move(listing));
            }
        ));
    }

    /// Brings the index in line with what a store holds. On the first read, jobs registered before start meet
    /// the stored ones: with replace_existing and the same trigger the stored schedule (and the runs missed while
    /// the process was down) is kept, so that registering at every start-up changes nothing.
    void apply_listing(store_slot& s, std::uint64_t issued, error_code ec, job_listing listing)
    {
        const bool first = !s.loaded;
        s.reloading = false;
        if (ec)
        {
            // Unread, a store is not written either: its registrations wait, and nothing stored is overwritten
            report_store_error(s.name, {}, "read its jobs", ec);
            if (std::exchange(s.reload_again, false))
                reload_store(s.name);
            return;
        }
        for (const quarantined_job& q : listing.quarantined)
            report_quarantined(s, q.id, q.reason);

        auto registrations = std::move(s.registrations);
        s.registrations.clear();
        s.loaded = true;
        const instant now = Clocks::now();
        std::vector<std::string> listed;
        listed.reserve(listing.jobs.size());
        for (job_description& d : listing.jobs)
        {
            listed.push_back(d.id);
            record* r = find(d.id);
            if (r != nullptr && r->store != &s)
            {
                log(log_level::error,
                    "job store '" + s.name + "' holds job '" + d.id + "', an id that store '" + r->store->name +
                        "' uses already; the stored job is not loaded");
                continue;
            }
            if (r != nullptr && first)
            {
                store_slot::registration reg;
                if (auto it = registrations.find(d.id); it != registrations.end())
                {
                    reg = std::move(it->second);
                    registrations.erase(it);
                }
                if (!reg.replace_existing)
                {
                    log(log_level::error,
                        "job id '" + d.id + "' is taken in job store '" + s.name +
                            "' (pass replace_existing = true to replace it at every start); the stored job is kept");
                    for (auto& f : reg.on_stored)
                        boost::asio::post(executor_, [f = std::move(f)] { f(errc::conflicting_job_id); });
                }
                else if (r->when == d.trigger)
                {
                    // Same schedule: keep the stored state; the registration's other options win
                    r->pending = false;
                    r->next_run_time = d.paused ? std::nullopt : d.next_run_time;
                    if (!d.paused && !d.next_run_time)
                        r->next_run_time = scheduled_first_fire_time(*r, now);
                    arm(*r);
                    write_registration(*r, std::move(reg));
                    continue;
                }
                else
                {
                    r->pending = false;
                    r->next_run_time = scheduled_first_fire_time(*r, now);
                    arm(*r);
                    write_registration(*r, std::move(reg));
                    continue;
                }
            }
            else if (r != nullptr)
            {
                if (r->store_write() > issued || describe(*r) == d)
                    continue;  // changed here since the read was issued, or unchanged
                if (s.shared != nullptr && (find_lease(*r) != nullptr || same_definition(describe(*r), d)))
                {
                    // A job this scheduler holds is its own to schedule; another's fires only move the next run
                    if (find_lease(*r) == nullptr)
                        r->next_run_time = d.paused ? std::nullopt : d.next_run_time;
                    continue;
                }
            }
            restore(s, std::move(d), !first);
        }
        if (first)
        {
            // Registrations the store did not hold yet: their first run time, then written
            for (auto& [id, reg] : registrations)
                if (record* r = find(id); r != nullptr && r->store == &s)
                {
                    if (r->pending && started_)
                    {
                        r->pending = false;
                        r->next_run_time = scheduled_first_fire_time(*r, now);
                        arm(*r);
                    }
                    write_registration(*r, std::move(reg));
                }
                else
                    for (auto& f : reg.on_stored)  // removed before its store was read
                        boost::asio::post(executor_, [f = std::move(f)] { f(errc::job_not_found); });
            log(log_level::info,
                "job store '" + s.name + "' (" + std::string(s.store->kind()) + " " + s.store->location() +
                    "): loaded " + std::to_string(listing.jobs.size()) + " jobs");
            if (listing.jobs.size() >= 1000)
            {
                listing = job_listing{};  // the decoded documents first
                release_free_memory();
            }
        }
        else
        {
            // Jobs another process removed
            std::sort(listed.begin(), listed.end());
            std::vector<record*> gone;
            index_.for_each([&](record* r) {
                if (r->indexed && r->store == &s && r->store_write() <= issued &&
                    !std::binary_search(listed.begin(), listed.end(), r->id))
                    gone.push_back(r);
            });
            for (record* r : gone)
                remove(*r);
        }
        if (first && s.shared != nullptr)
            start_sharing(s);
        if (std::exchange(s.reload_again, false))
            reload_store(s.name);
    }

    /// A stored job into the index (replacing the one of that id), without writing it back.
    void restore(store_slot& s, job_description&& d, bool news)
    {
        const std::optional<task> code = find_task(d.task_name);
        if (!code && s.shared != nullptr)
        {
            // Other schedulers sharing the store may well have the task: the job is left to them, not quarantined
            log(log_level::error,
                "job '" + d.id + "' of shared job store '" + s.name + "' names task '" + d.task_name +
                    "', which this scheduler has not registered; it runs only in schedulers that have");
            return;
        }
        if (!code)
        {
            const std::string reason = "task '" + d.task_name + "' is not registered in this scheduler";
            report_quarantined(s, d.id, reason);
            s.store->async_quarantine(d.id, reason, store_completion(s, d.id, "quarantine"));
            return;
        }
        const executor_slot* ex = nullptr;
        if (auto it = executors_.find(d.executor); it != executors_.end() && it->second.executor)
            ex = &it->second;
        if (ex == nullptr)
        {
            log(log_level::warning,
                "job '" + d.id + "' of job store '" + s.name + "' names executor '" + d.executor +
                    "', which this scheduler does not have; it runs on 'default'");
            d.executor = "default";
        }
        const std::string id = d.id;  // d and the options built from it are moved into insert_job
        const bool computed = d.paused || d.next_run_time.has_value();
        // A stored job without a next run time gets its first here; a trigger that throws then pauses the job (it
        // stays in the store) rather than quarantining a valid document
        std::exception_ptr trigger_error;
        if (!computed && started_)
        {
            try
            {
                trigger probe = d.trigger;
                apply_default_zone(probe);
                first_fire_time(probe, Clocks::now());
            }
            catch (const std::invalid_argument&)
            {
                // reported by insert_job below, as a quarantine
            }
            catch (...)
            {
                trigger_error = std::current_exception();
                d.paused = true;
            }
        }
        const bool existed = find(id) != nullptr;
        if (record* old = find(id))
            unindex(*old);
        job_options o{
            .id = id,
            .name = std::move(d.name),
            .executor = d.executor,
            .jobstore = s.name,
            .misfire_grace_time = d.misfire_grace_time,
            .coalesce = d.coalesce,
            .max_instances = d.max_instances,
            .next_run_time = d.next_run_time,
            .paused = d.paused,
            .args = std::move(d.args),
            .kwargs = std::move(d.kwargs),
        };
        record* r = nullptr;
        try
        {
            r = insert_job(task(*code), std::move(d.trigger), std::move(o)).r;
        }
        catch (const std::exception& e)
        {
            report_quarantined(s, id, e.what());
            return;
        }
        if (news)  // another process changed the store: its changes are news; a start's load is not
        {
            if (log_level::info >= log_threshold_)
                log(log_level::info,
                    "job '" + id + "' was " + (existed ? "changed" : "added") + " in job store '" + s.name +
                        "' by another process");
            emit(existed ? event_code::job_modified : event_code::job_added, [&](event& e) {
                e.job_id = id;
                e.jobstore = s.name;
            });
        }
        if (trigger_error)
            trigger_failed(*r, Clocks::now(), trigger_error);
        // Stored without a next run time (imported, or written before its first start): insert_job computed it;
        // written back so that the file and `asched jobs list` show it
        if (!computed && r->next_run_time)
            write_update(*r);
    }

    void report_quarantined(store_slot& s, const std::string& id, const std::string& reason)
    {
        log(log_level::error,
            "job store '" + s.name + "': job '" + id + "' cannot be loaded and was moved to quarantine: " + reason);
        emit(event_code::job_quarantined, [&](event& e) {
            e.jobstore = s.name;
            e.job_id = id;
            e.exception = std::make_exception_ptr(std::runtime_error(reason));
        });
    }

    void close_stores() noexcept
    {
        if (std::exchange(stores_closed_, true))
            return;
        for (auto& [name, s] : stores_)
            if (s.store)
            {
                fail_registrations(s, errc::shut_down);
                try
                {
                    s.store->close();
                }
                catch (const std::exception& e)
                {
                    log(log_level::error, "job store '" + name + "' failed to close: " + e.what());
                }
            }
    }

    // ---------------------------------------------------------------------------------------------- shared stores
    //
    // A shared store's jobs are in the index of every scheduler that shares it, but each fires only the jobs it
    // holds a lease on. The loop per store: take due jobs (a little ahead of time, so that runs start on time), fire
    // each one once its time comes, record the fire under the lease before the runs start (a scheduler killed
    // during a run does not make another run it again), and release the job once no run of it is in progress (so
    // max_instances holds across the cluster). Leases are renewed every third of their time; a fire is never made
    // on a lease this scheduler could not renew in time.

    /// A job this scheduler holds.
    struct lease_info
    {
        std::uint64_t fencing_token{0};
        instant deadline{};  // no fire at or after this: the store's lease ends later (see hold_deadline)
        std::uint32_t fires_in_flight{0};
        bool unsynced{false};  // a fire's write failed (store unreachable): written again once it is back
    };

    /// A shared store's loop: when to take jobs next, the renewal timer, and the jobs held.
    struct sharing_state
    {
        explicit sharing_state(boost::asio::io_context& io) : wake_timer(io), renew_timer(io) {}

        timer_type wake_timer;
        timer_type renew_timer;
        std::optional<instant> wake_at;
        bool acquiring{false};
        bool acquire_again{false};
        bool renewing{false};
        bool connected{true};
        std::unordered_map<const record*, lease_info> leases;
        std::vector<std::string> released_while_renewing;  // not to be taken back from a renewal's older answer
        // Releases the store did not get (it was unreachable): sent again when it is back, and never taken back
        // meanwhile (the store still shows an older next run time for them)
        std::map<std::string, leased_write, std::less<>> unsent_releases;
        bool resync{false};  // after reconnecting: once leases are renewed, write what the outage held back
        std::set<std::string, std::less<>> cannot_run;  // jobs whose task this scheduler lacks: never taken
        // Releases sent and not answered yet: the store may still list them as held (its writes are batched)
        std::multiset<std::string, std::less<>> releases_in_flight;
        // Failed writes are reported at most once a second: an outage fails every held job's write at once
        std::optional<instant> last_write_error;
        std::size_t quiet_write_errors{0};
    };

    /// Reports a failed write of a shared store, unless one was reported less than a second ago.
    void report_shared_write_error(store_slot& s, const std::string& job_id, const std::string& what, error_code ec)
    {
        sharing_state* c = sharing_of(s);
        const instant now = Clocks::now();
        if (c != nullptr && c->last_write_error && now - *c->last_write_error < std::chrono::seconds{1})
        {
            ++c->quiet_write_errors;
            return;
        }
        std::string text = what;
        if (c != nullptr)
        {
            c->last_write_error = now;
            if (const auto quiet = std::exchange(c->quiet_write_errors, 0); quiet != 0)
                text += " (and " + std::to_string(quiet) + " other writes failed in the second before)";
        }
        report_store_error(s.name, job_id, text, ec);
    }

    /// Jobs taken at most per query, so that one answer stays small.
    static constexpr std::size_t acquire_batch = 1000;
    /// Without any signal from the store, it is asked again this often.
    static constexpr std::chrono::seconds safety_poll{5};
    /// After a query that took nothing, the next waits at least this long (jobs locked by another scheduler).
    static constexpr std::chrono::milliseconds idle_backoff{50};

    sharing_state* sharing_of(const store_slot& s) const
    {
        auto it = sharing_.find(&s);
        return it == sharing_.end() ? nullptr : it->second.get();
    }

    lease_info* find_lease(const record& r) const
    {
        sharing_state* c = sharing_of(*r.store);
        if (c == nullptr)
            return nullptr;
        auto it = c->leases.find(&r);
        return it == c->leases.end() ? nullptr : &it->second;
    }

    /// Jobs are taken this long before they are due, so that the query's round trip does not make them late.
    static std::chrono::microseconds lookahead(const store_slot& s)
    {
        return std::min<std::chrono::microseconds>(std::chrono::milliseconds{500}, s.shared->lease_time() / 4);
    }

    /// The last instant a lease taken (or renewed) by a query issued at `issued` may be used: the store counts its
    /// lease from when it ran the query, which is later, and a tenth is kept back for clock drift and slow handlers.
    static instant hold_deadline(const store_slot& s, instant issued)
    {
        const auto lease = std::chrono::duration_cast<std::chrono::microseconds>(s.shared->lease_time());
        return issued + lease - lease / 10;
    }

    static bool same_definition(job_description a, const job_description& b)
    {
        a.next_run_time = b.next_run_time;
        a.paused = b.paused;
        return a == b;
    }

    store_slot* live_store(std::string_view name)
    {
        auto it = stores_.find(name);
        if (it == stores_.end() || it->second.removed || !it->second.loaded || stores_closed_)
            return nullptr;
        return &it->second;
    }

    /// After the first read of a shared store: start taking its due jobs and renewing the leases held.
    void start_sharing(store_slot& s)
    {
        auto& c = sharing_[&s];
        if (!c)
            c = std::make_unique<sharing_state>(io_);
        acquire(s);
        schedule_renewal(s);
    }

    void stop_sharing()
    {
        release_all_leases();
        for (auto& [slot, c] : sharing_)
        {
            c->wake_timer.cancel();
            c->renew_timer.cancel();
            c->wake_at.reset();
        }
    }

    void on_shared_signal(const std::string& name, shared_store_signal signal, std::optional<instant> when)
    {
        if (auto it = stores_.find(name); signal == shared_store_signal::reconnected && it != stores_.end() &&
                                          !it->second.removed && !it->second.loaded && !stores_closed_)
        {
            log(log_level::warning, "job store '" + name + "' is reachable now; reading its jobs");
            read_store(it->second);  // its first read failed: the store was not reachable at start
            return;
        }
        store_slot* s = live_store(name);
        sharing_state* c = s == nullptr ? nullptr : sharing_of(*s);
        if (c == nullptr)
            return;
        switch (signal)
        {
        case shared_store_signal::jobs_changed: reload_store(name); break;
        case shared_store_signal::jobs_available:
            if (when)
                wake_at(*s, *when - lookahead(*s));
            else
                acquire(*s);
            break;
        case shared_store_signal::disconnected:
            if (std::exchange(c->connected, false))
                report_store_error(
                    name,
                    {},
                    "reach its database (it reconnects by itself; the " + std::to_string(c->leases.size()) +
                        " jobs held here keep firing while their leases last)",
                    boost::asio::error::not_connected
                );
            break;
        case shared_store_signal::reconnected:
            if (!std::exchange(c->connected, true))
                log(log_level::warning,
                    "job store '" + name + "' is reachable again; renewing " + std::to_string(c->leases.size()) +
                        " leases and taking the jobs that came due");
            // Renew first, then write what the outage held back, then take jobs: taking before writing could take
            // back a job whose stored next run time is older than the runs made here during the outage
            c->resync = true;
            renew(*s);
            reload_store(name);  // changes announced while disconnected were not heard
            break;
        }
    }

    void acquire(store_slot& s)
    {
        sharing_state* c = sharing_of(s);
        if (c == nullptr || stores_closed_ || s.removed || state_ != scheduler_state::running || stopping_)
            return;
        if (c->acquiring || c->resync)
        {
            c->acquire_again = true;  // after the acquisition in flight, or after the resync
            if (c->resync)
                renew(s);  // (a no-op while a renewal is in flight)
            return;
        }
        c->acquiring = true;
        c->acquire_again = false;
        const instant issued = Clocks::now();
        s.shared->async_acquire(
            issued + lookahead(s),
            acquire_batch,
            std::vector<std::string>(c->cannot_run.begin(), c->cannot_run.end()),
            boost::asio::bind_executor(
                executor_,
                [weak = this->weak_from_this(), name = s.name, issued](error_code ec, std::vector<job_lease> leases) {
                    if (auto self = weak.lock())
                        if (store_slot* s = self->live_store(name))
                            self->acquired(*s, issued, ec, std::move(leases));
                }
            )
        );
    }

    void acquired(store_slot& s, instant issued, error_code ec, std::vector<job_lease> leases)
    {
        sharing_state* c = sharing_of(s);
        if (c == nullptr)
            return;
        c->acquiring = false;
        if (state_ != scheduler_state::running || stopping_)
        {
            // Paused or stopping meanwhile: what was just taken goes back
            for (job_lease& l : leases)
                release_unknown(s, l.job.id, l.fencing_token, l.job.next_run_time);
            return;
        }
        if (ec)
        {
            if (c->connected)
                report_store_error(s.name, {}, "take due jobs", ec);
            wake_at(s, Clocks::now() + std::chrono::seconds{1});
            return;
        }
        const instant deadline = hold_deadline(s, issued);
        const std::size_t taken = leases.size();
        for (job_lease& l : leases)
            hold(s, std::move(l), deadline);
        if (log_level::debug >= log_threshold_ && taken > 0)
            log(log_level::debug, "job store '" + s.name + "': took " + std::to_string(taken) + " due jobs");
        if (taken >= acquire_batch || c->acquire_again)
            acquire(s);
        else
            plan_acquisition(s, taken == 0);
    }

    /// A job this scheduler now holds: the stored definition wins over the copy here, which may be older.
    void hold(store_slot& s, job_lease&& l, instant deadline)
    {
        sharing_state& c = *sharing_of(s);
        record* r = find(l.job.id);
        if (r != nullptr && r->store != &s)
        {
            log(log_level::error,
                "job store '" + s.name + "' holds job '" + l.job.id + "', an id that store '" + r->store->name +
                    "' uses already; it is left to the other schedulers");
            release_unknown(s, l.job.id, l.fencing_token, l.job.next_run_time);
            return;
        }
        if (r != nullptr && same_definition(describe(*r), l.job))
        {
            r->pending = false;
            r->next_run_time = l.job.next_run_time;
        }
        else
        {
            const std::string id = l.job.id;
            const auto next = l.job.next_run_time;
            const std::uint64_t token = l.fencing_token;
            restore(s, std::move(l.job), false);
            r = find(id);
            if (r == nullptr || r->store != &s)
            {
                // It cannot run here (its task is not registered): given back, and not taken again
                sharing_of(s)->cannot_run.insert(id);
                release_unknown(s, id, token, next);
                return;
            }
            r->next_run_time = next;
        }
        c.leases[r] = lease_info{l.fencing_token, deadline, 0};
        arm(*r);
    }

    /// Asks the store when a job is next available, and sets the wake-up for then (the safety poll at the latest).
    void plan_acquisition(store_slot& s, bool took_nothing)
    {
        s.shared->async_next_available(boost::asio::bind_executor(
            executor_,
            [weak = this->weak_from_this(), name = s.name, took_nothing](error_code ec, std::optional<instant> t) {
                auto self = weak.lock();
                store_slot* s = self ? self->live_store(name) : nullptr;
                if (s == nullptr)
                    return;
                const instant now = Clocks::now();
                instant at = now + safety_poll;
                if (!ec && t)
                    at = std::min(at, *t - lookahead(*s));
                if (took_nothing)
                    at = std::max(at, now + idle_backoff);
                self->wake_at(*s, at);
            }
        ));
    }

    void wake_at(store_slot& s, instant at)
    {
        sharing_state* c = sharing_of(s);
        if (c == nullptr || stores_closed_)
            return;
        if (c->wake_at && *c->wake_at <= at)
            return;  // an earlier wake-up is set
        c->wake_at = at;
        c->wake_timer.expires_at(to_timer_time(at));
        c->wake_timer.async_wait(boost::asio::bind_executor(
            executor_,
            [weak = this->weak_from_this(), name = s.name, at](error_code ec) {
                auto self = weak.lock();
                store_slot* s = ec || !self ? nullptr : self->live_store(name);
                sharing_state* c = s == nullptr ? nullptr : self->sharing_of(*s);
                if (c == nullptr || c->wake_at != at)
                    return;  // replaced by an earlier wake-up, or stopped
                c->wake_at.reset();
                self->acquire(*s);
            }
        ));
    }

    void schedule_renewal(store_slot& s)
    {
        sharing_state* c = sharing_of(s);
        if (c == nullptr)
            return;
        c->renew_timer.expires_at(to_timer_time(Clocks::now() + s.shared->lease_time() / 3));
        c->renew_timer.async_wait(boost::asio::bind_executor(
            executor_,
            [weak = this->weak_from_this(), name = s.name](error_code ec) {
                auto self = weak.lock();
                store_slot* s = ec || !self ? nullptr : self->live_store(name);
                if (s == nullptr || self->stopping_)
                    return;
                self->renew(*s);
                self->schedule_renewal(*s);
            }
        ));
    }

    void renew(store_slot& s)
    {
        sharing_state* c = sharing_of(s);
        if (c == nullptr || c->renewing || stores_closed_)
            return;
        c->renewing = true;
        c->released_while_renewing.clear();
        const instant issued = Clocks::now();
        // Normally only the leases ending within half the lease time: a job that fires often has its lease
        // extended by each fire's write. After an outage, every lease, to find out which are still held
        const bool full = c->resync;
        const auto lease = s.shared->lease_time();
        s.shared->async_renew_leases(
            full ? 2 * lease : lease / 2,
            boost::asio::bind_executor(
                executor_,
                [weak = this->weak_from_this(),
                 name = s.name,
                 issued,
                 full](error_code ec, std::vector<held_lease> held) {
                    if (auto self = weak.lock())
                        if (store_slot* s = self->live_store(name))
                            self->renewed(*s, issued, full, ec, std::move(held));
                }
            )
        );
    }

    void renewed(store_slot& s, instant issued, bool full, error_code ec, std::vector<held_lease> held)
    {
        sharing_state* c = sharing_of(s);
        if (c == nullptr)
            return;
        c->renewing = false;
        if (ec)
        {
            if (c->connected)
                report_store_error(s.name, {}, "renew its leases", ec);
            if (c->resync)
                wake_at(s, Clocks::now() + std::chrono::seconds{1});  // the store went away again
            return;  // the deadlines stay: held jobs stop firing when they pass
        }
        const instant deadline = hold_deadline(s, issued);
        std::unordered_map<std::string_view, const held_lease*> by_id;
        for (const held_lease& h : held)
            by_id.emplace(h.id, &h);
        std::vector<record*> lost;
        for (auto& [r, info] : c->leases)
        {
            auto it = by_id.find(r->id);
            if (it == by_id.end() || it->second->fencing_token != info.fencing_token)
            {
                // Only a full renewal lists every lease held; else a lease not listed was simply not due
                if (full && info.fires_in_flight == 0)  // (a fire in flight learns from its own answer)
                    lost.push_back(const_cast<record*>(r));
                continue;
            }
            info.deadline = deadline;
            by_id.erase(it);
        }
        for (record* r : lost)
            lose_lease(*r, "the job store no longer lists it as held here");
        // Held in the store but not known here as held: an acquisition whose answer was lost with the connection,
        // or a release that failed. Taken back, unless released since the renewal was asked for
        for (auto& [id, h] : by_id)
        {
            if (std::find(c->released_while_renewing.begin(), c->released_while_renewing.end(), id) !=
                    c->released_while_renewing.end() ||
                c->unsent_releases.contains(id) || c->releases_in_flight.contains(id))
                continue;  // released meanwhile, or its release has not reached the store yet
            record* r = find(id);
            if (r != nullptr && r->store == &s && r->indexed && state_ == scheduler_state::running && !stopping_)
            {
                r->next_run_time = h->next_run_time;
                c->leases[r] = lease_info{h->fencing_token, deadline, 0};
                arm(*r);
            }
            else
                release_unknown(s, h->id, h->fencing_token, h->next_run_time);
        }
        c->released_while_renewing.clear();
        if (std::exchange(c->resync, false))
        {
            resync(s);
            acquire(s);
        }
    }

    /// After an outage: the fires and releases the store did not get, written now (under their leases, so a job
    /// another scheduler took meanwhile is not touched).
    void resync(store_slot& s)
    {
        sharing_state& c = *sharing_of(s);
        auto releases = std::move(c.unsent_releases);
        c.unsent_releases.clear();
        for (auto& [id, w] : releases)
            send_release(s, std::move(w));
        for (auto& [r, info] : c.leases)
        {
            if (!std::exchange(info.unsynced, false))
                continue;
            ++info.fires_in_flight;
            const instant issued = Clocks::now();
            s.shared->async_write_leased(
                leased_write{r->id, info.fencing_token, r->next_run_time, false},
                boost::asio::bind_executor(
                    executor_,
                    [weak = this->weak_from_this(),
                     issued,
                     ref = record_ref(const_cast<record*>(r)),
                     token = info.fencing_token](error_code ec) mutable {
                        if (auto self = weak.lock(); self && ref.get()->core() != nullptr)
                            self->fire_written(*ref.get(), {}, false, token, issued, ec);
                    }
                )
            );
        }
    }

    /// The timer of a job of a shared store: fire it if this scheduler (still) holds it.
    void fire_held(record& r, instant now)
    {
        store_slot& s = *r.store;
        lease_info* l = find_lease(r);
        if (l == nullptr)
        {
            disarm(r);
            return;
        }
        if (now >= l->deadline)
        {
            // Unless another scheduler took the job meanwhile, the lease is still this scheduler's in the store
            // (nobody could take it while the store was unreachable): the runs made on it are written back then
            if (l->unsynced)
                sharing_of(s)->unsent_releases.insert_or_assign(
                    r.id,
                    leased_write{r.id, l->fencing_token, r.next_run_time, true}
                );
            lose_lease(r, "its lease ran out before the run was due (the job store could not renew it)");
            return;
        }
        const record_ref hold(&r);
        std::optional<run_plan> planned = plan_or_pause(r, now);
        if (!planned)
            return;
        run_plan& plan = *planned;
        r.next_run_time = plan.next_run_time;
        if (!plan.missed.empty())
            report_missed(r, plan.missed);
        if (!plan.refused.empty())
            report_refused(r, plan.refused);
        const bool release = plan.runs.empty() && r.running == 0 && l->fires_in_flight == 0 && !keeps(r);
        leased_write w{r.id, l->fencing_token, r.next_run_time, release};
        const std::uint64_t token = l->fencing_token;
        if (release)
            forget_lease(r);
        else
        {
            ++l->fires_in_flight;
            arm(r);
        }
        if (release && !r.next_run_time && r.indexed)
            retire(r);
        // The fire is recorded before its runs start: a scheduler that dies during a run does not make another
        // one run it again
        s.shared->async_write_leased(
            std::move(w),
            boost::asio::bind_executor(
                executor_,
                [weak = this->weak_from_this(),
                 ref = record_ref(&r),
                 runs = std::move(plan.runs),
                 release,
                 token,
                 issued = now](error_code ec) mutable {
                    if (auto self = weak.lock(); self && ref.get()->core() != nullptr)
                        self->fire_written(*ref.get(), runs, release, token, issued, ec);
                }
            )
        );
    }

    void fire_written(
        record& r,
        const run_times& runs,
        bool release,
        std::uint64_t token,
        instant issued,
        error_code ec
    )
    {
        // The fire counts as in flight until its runs are submitted: an inline run that ends at once must not
        // release the job while the runs after it are still to start
        auto settle = [&] {
            if (lease_info* l = release ? nullptr : find_lease(r); l != nullptr && l->fencing_token == token)
                --l->fires_in_flight;
        };
        lease_info* l = release ? nullptr : find_lease(r);
        if (l != nullptr && l->fencing_token != token)
            l = nullptr;
        if (ec == errc::lease_lost)
        {
            settle();
            if (!runs.empty())
                log(log_level::warning,
                    "job '" + r.id + "': this scheduler no longer holds it, so its run scheduled for " +
                        format_datetime(runs.front(), display_zone(r.when)) +
                        " is left to the scheduler that does (the job changed, or its lease expired)");
            if (l != nullptr)
                lose_lease(r, {});
            if (!stores_closed_)
                reload_store(r.store->name);
            return;
        }
        if (ec)
        {
            // The store is unreachable: the lease still protects the runs until its deadline
            const bool may_run = l != nullptr && Clocks::now() < l->deadline && !stores_closed_;
            report_shared_write_error(
                *r.store,
                r.id,
                may_run ? "record a fire (its runs start on the strength of the lease)"
                        : "record a fire; its runs do not start",
                ec
            );
            if (l != nullptr)
                l->unsynced = true;
            if (!may_run)
            {
                settle();
                maybe_release(r);
                return;
            }
        }
        if (l != nullptr && !ec)
            l->deadline = std::max(l->deadline, hold_deadline(*r.store, issued));  // the write extended the lease
        if (release || !r.indexed)
        {
            settle();
            return;
        }
        const record_ref hold(&r);
        for (const instant t : runs)
        {
            if (!r.indexed)
                break;
            submit(r, t, token);
        }
        settle();
        if (!r.next_run_time && r.indexed)
            retire(r);  // the leased write deleted it from the store
        else
            maybe_release(r);
    }

    /// Releases a held job once no run of it is in progress and no fire of it is being recorded.
    void maybe_release(record& r)
    {
        lease_info* l = find_lease(r);
        if (l == nullptr || r.running != 0 || l->fires_in_flight != 0 || stores_closed_)
            return;
        if (keeps(r))
            return;
        leased_write w{r.id, l->fencing_token, r.next_run_time, true};
        forget_lease(r);
        send_release(*r.store, std::move(w));
    }

    /// Whether a held job with no run in progress stays held: its next run is within half the lease time, so the
    /// next fire's write (which extends the lease) comes before the lease ends. One row write per run instead of
    /// three (take, fire, release); the job goes back when its next run is far off, or at pause or shutdown.
    bool keeps(const record& r) const
    {
        return r.next_run_time && state_ == scheduler_state::running && !stopping_ &&
               *r.next_run_time - Clocks::now() <= r.store->shared->lease_time() / 2;
    }

    void release_unknown(store_slot& s, const std::string& id, std::uint64_t token, std::optional<instant> next)
    {
        send_release(s, leased_write{id, token, next, true});
    }

    void send_release(store_slot& s, leased_write&& w)
    {
        if (stores_closed_)
            return;
        if (sharing_state* c = sharing_of(s); c != nullptr)
        {
            if (c->renewing)
                c->released_while_renewing.push_back(w.id);
            c->releases_in_flight.insert(w.id);
        }
        s.shared->async_write_leased(
            w,
            boost::asio::bind_executor(
                executor_,
                [weak = this->weak_from_this(), name = s.name, copy = w](error_code ec) mutable {
                    auto self = weak.lock();
                    if (!self)
                        return;
                    sharing_state* c = nullptr;
                    if (store_slot* s = self->live_store(name))
                        c = self->sharing_of(*s);
                    if (c != nullptr)
                        if (auto it = c->releases_in_flight.find(copy.id); it != c->releases_in_flight.end())
                            c->releases_in_flight.erase(it);
                    if (c == nullptr || !ec || ec == errc::lease_lost)
                        return;  // released, or lost: not ours to release any more
                    if (c->connected)
                        self->report_shared_write_error(*self->live_store(name), copy.id, "release", ec);
                    std::string id = copy.id;
                    c->unsent_releases.insert_or_assign(std::move(id), std::move(copy));
                }
            )
        );
    }

    void release_all_leases()
    {
        for (auto& [slot, c] : sharing_)
        {
            std::vector<record*> held;
            held.reserve(c->leases.size());
            for (auto& [r, info] : c->leases)
                held.push_back(const_cast<record*>(r));
            for (record* r : held)
            {
                lease_info* l = find_lease(*r);
                if (l == nullptr)
                    continue;
                leased_write w{r->id, l->fencing_token, r->next_run_time, true};
                forget_lease(*r);
                send_release(*r->store, std::move(w));
            }
        }
    }

    /// This scheduler no longer holds the job: it stops firing it.
    void forget_lease(record& r)
    {
        if (sharing_state* c = sharing_of(*r.store); c != nullptr && c->leases.erase(&r) != 0)
            disarm(r);
    }

    void lose_lease(record& r, const std::string& why)
    {
        forget_lease(r);
        if (!why.empty())
            log(log_level::warning, "job '" + r.id + "' is no longer held by this scheduler: " + why);
    }

    // ---------------------------------------------------------------------------------------------- removal

    /// Frees a record no one refers to any more, in a handler posted behind the work already queued: destroying a
    /// timer takes the reactor's lock, and a burst of finished jobs should not make the next due run wait for it.
    /// Called from destructors (record_ref's): a graveyard that cannot grow frees the record at once instead.
    void bury(record* r) noexcept
    {
        try
        {
            graveyard_.push_back(r);
        }
        catch (const std::bad_alloc&)
        {
            destroy(r);
            return;
        }
        post_sweep();
    }

    /// One posted handler that first drops retired jobs from the index, then frees the records no one holds.
    void post_sweep() noexcept
    {
        if (std::exchange(sweep_posted_, true))
            return;
        try
        {
            boost::asio::post(executor_, [weak = this->weak_from_this()] {
                if (auto self = weak.lock())
                {
                    self->sweep_posted_ = false;
                    self->drop_retired();
                    self->free_graveyard();
                }
            });
        }
        catch (const std::bad_alloc&)
        {
            sweep_posted_ = false;  // no memory for the handler: the next retire or burial posts it again
        }
    }

    /// Removes a job whose trigger has finished. The index lets go of it in the next sweep: in a burst of date
    /// jobs, erasing each from a large hash table costs cache misses that would delay every run behind it.
    void retire(record& r, std::function<void(error_code)> on_removed = {})
    {
        const record_ref hold(&r);
        r.indexed = false;
        disarm(r);
        try
        {
            retired_.push_back(&r);  // with the index's reference
            ++retired_in_index_;
        }
        catch (const std::bad_alloc&)
        {
            // No room to defer: out of the index now (what the sweep would do); `hold` keeps the record alive
            index_.erase(&r);
            r.in_index = false;
            --r.references;
        }
        post_sweep();
        announce_removal(r);
        if (r.store->shared != nullptr)
            forget_lease(r);  // the fire's leased write deleted it from the store
        else
            write_remove(r, std::move(on_removed));
    }

    /// Erases retired jobs from the index and releases the index's references. (Nothing below retires or buries:
    /// the loop's vector does not grow under it.)
    void drop_retired()
    {
        for (record* r : retired_)
        {
            if (r->in_index)
            {
                index_.erase(r);
                --retired_in_index_;
            }
            r->in_index = false;
            // Most often the index held the last reference (the run is over): freed here, without the graveyard
            if (--r->references == 0)
                destroy(r);
        }
        clear_list(retired_);
    }

    /// Frees the records no one refers to any more.
    void free_graveyard()
    {
        for (record* r : graveyard_)
            destroy(r);
        clear_list(graveyard_);
    }

    /// Empties a list of records; one that a burst grew large gives its memory back.
    static void clear_list(std::vector<record*>& list) noexcept
    {
        if (list.capacity() > 4096)
            std::vector<record*>().swap(list);
        else
            list.clear();
    }

    /// A record for a new job, from the pool. @throws std::bad_alloc
    record* create_record(std::string_view id, task&& code, trigger&& when)
    {
        static_assert(
            sizeof(record) <= 256,
            "a job record outgrew four cache lines (256 bytes): its pool slot would take five, and bench/burst and "
            "bench/add would show the cost"
        );
        void* memory = link_->pool.allocate();
        try
        {
            auto* r = new (memory) record(link_, id, std::move(code), std::move(when));
            ++link_->records;
            return r;
        }
        catch (...)
        {
            record_pool::deallocate(memory);
            throw;
        }
    }

    /// Frees a record no one refers to any more; the link goes with the last record of a core that is gone.
    static void destroy(record* r) noexcept
    {
        core_link* link = r->link();
        r->~record();
        record_pool::deallocate(r);
        if (--link->records == 0 && link->core == nullptr)
            delete link;
    }

    /// Writes a new generated id into `text` and answers its number: one that no job holds. (Only a job added with
    /// a given id, such as one loaded from a store whose ids an earlier scheduler generated, can hold it.)
    std::uint64_t new_id(char (&text)[job_id_generator::length])
    {
        for (;;)
        {
            const std::uint64_t number = index_.generate(text);
            record* holder = index_.may_hold_future_ids() ? index_.find({text, sizeof text}) : nullptr;
            if (holder == nullptr)
                return number;
            if (!holder->indexed)
            {
                evict_retired(*holder);  // a finished job not yet swept out holds the id
                return number;
            }
        }
    }

    /// Takes a retired job out of the index before the sweep, so that a new job can take its id.
    void evict_retired(record& r)
    {
        r.in_index = false;  // its reference stays with retired_ until the sweep
        index_.erase(&r);
        --retired_in_index_;
    }

    /// Takes a job out of the index; a pending wait or a run in progress may still hold the record.
    void unindex(record& r)
    {
        r.indexed = false;
        r.in_index = false;
        if (r.store->shared != nullptr)
            forget_lease(r);
        disarm(r);
        index_.erase(&r);
        record_ref::release(&r);
    }

    void remove(record& r)
    {
        const record_ref hold(&r);  // the index's reference goes below
        unindex(r);
        announce_removal(r);
    }

    void announce_removal(record& r)
    {
        if (log_level::info >= log_threshold_)
            log(log_level::info, "removed job '" + r.id + "'");
        emit(event_code::job_removed, [&](event& e) {
            e.job_id = r.id;
            e.jobstore = r.store->name;
        });
    }

    static void orphan(record* r) noexcept
    {
        ++r->generation;
        error_code ignored;
        r->link()->timers->cancel(r->timer, ignored);
    }

    // ---------------------------------------------------------------------------------------------- shutdown

    void shutdown_executor(executor_slot& s, bool wait)
    {
        try
        {
            s.executor->shutdown(wait);
        }
        catch (const std::exception& e)
        {
            log(log_level::error, "executor '" + s.name + "' failed to shut down: " + e.what());
        }
    }

    void shutdown_executors(bool wait)
    {
        for (auto& [name, s] : executors_)
            if (s.executor)
                shutdown_executor(s, wait);
    }

    void maybe_finish_async_shutdown()
    {
        if (!stopping_ || shut_down_ || runs_in_flight_ != 0)
            return;
        shutdown_executors(true);  // idle by now: joins at once
        finish_shutdown();
    }

    void finish_shutdown()
    {
        if (shut_down_)
            return;
        stop_timers();
        stop_sharing();  // held jobs are released, so that other schedulers take them at once
        report_unmade_writes();
        close_stores();  // pending writes are committed first: nothing written is lost
        shut_down_ = true;
        stopping_ = false;
        state_ = scheduler_state::stopped;
        log(log_level::info, "scheduler shut down");
        emit(event_code::scheduler_shutdown, [](event&) {});
        complete_waiters(shutdown_waiters_);
        if (run_waiter_)
        {
            auto handler = std::move(*run_waiter_);
            run_waiter_.reset();
            complete_later(std::move(handler), error_code{});
        }
        run_work_.reset();
    }

    void complete_waiters(std::vector<boost::asio::any_completion_handler<void(error_code)>>& waiters)
    {
        auto all = std::move(waiters);
        waiters.clear();
        for (auto& handler : all)
            complete_later(std::move(handler), error_code{});
    }

    /// Completes through the scheduler's executor, then the handler's own: never inside the initiating call.
    void complete_later(boost::asio::any_completion_handler<void(error_code)> handler, error_code ec)
    {
        boost::asio::post(executor_, boost::asio::append(std::move(handler), ec));
    }

    void require_started() const
    {
        if (!started_ || shut_down_)
            throw scheduler_error(errc::scheduler_not_running, "the scheduler is not running; start it first");
    }

    // ---------------------------------------------------------------------------------------------- events

    void update_listener_mask()
    {
        listener_mask_ = 0;
        for (const auto& l : listeners_)
            if (l.function)
                listener_mask_ |= l.mask;
    }

    /// Announces a change of a job's options or schedule, and writes it through to its store.
    void emit_job(event_code code, record& r)
    {
        if (r.persistent && code == event_code::job_modified)
            write_update(r);
        emit(code, [&](event& e) {
            e.job_id = r.id;
            e.jobstore = r.store->name;
        });
    }

    /// Builds the event only when a listener wants it; a listener that throws is logged and the others still run.
    /// The check is inlined into every caller, the rest is not: a run whose events no one listens to pays a test.
    template <class Fill>
    void emit(event_code code, Fill&& fill)
    {
        if ((listener_mask_ & static_cast<event_mask>(code)) != 0)
            emit_to_listeners(code, fill);
    }

    template <class Fill>
    [[gnu::noinline]] void emit_to_listeners(event_code code, Fill& fill)
    {
        event e;
        e.code = code;
        e.when = Clocks::now();
        fill(e);
        ++emitting_;
        for (std::size_t i = 0; i < listeners_.size(); ++i)
        {
            if (!listeners_[i].function || (listeners_[i].mask & e.bit()) == 0)
                continue;
            try
            {
                auto function = listeners_[i].function;  // a listener may remove itself
                function(e);
            }
            catch (const std::exception& error)
            {
                log(log_level::warning,
                    "a listener threw on " + std::string(to_string(code)) + ": " + error.what() + "; ignored");
            }
            catch (...)
            {
                log(log_level::warning, "a listener threw on " + std::string(to_string(code)) + "; ignored");
            }
        }
        if (--emitting_ == 0)
            std::erase_if(listeners_, [](const listener& l) { return !l.function; });
    }

    void log(log_level level, const std::string& line) const
    {
        // Lines carry text from stores and other processes (a quarantined row's id): always one line, escaped
        if (level >= log_threshold_ && options_.log)
            options_.log(level, detail::printable_line(line));
    }

    boost::asio::any_io_executor executor_;
    boost::asio::io_context& io_;
    std::map<std::string, std::unique_ptr<write_retry>, std::less<>> retries_;  // per store, its failed writes
    bool hop_{false};             // the scheduler's executor is not the io_context's own: timer handlers post to it
    bool zone_specified_{false};  // options_.zone.is_specified()
    scheduler_options options_;
    void* owner_;
    scheduler_state state_{scheduler_state::stopped};
    bool started_{false};
    bool stopping_{false};
    bool shut_down_{false};
    job_index<record> index_;
    std::map<std::string, executor_slot, std::less<>> executors_;
    std::map<std::string, task, std::less<>> tasks_;
    std::vector<listener> listeners_;
    std::vector<record*> graveyard_;  // records no one refers to, freed by the next sweep
    std::vector<record*> retired_;    // finished jobs still in the index until the next sweep (see retire)
    std::size_t retired_in_index_{0};
    bool sweep_posted_{false};
    core_link* link_{new core_link(this, boost::asio::use_service<timer_service>(io_))};
    event_mask listener_mask_{0};
    std::uint64_t listener_serial_{0};
    int emitting_{0};
    std::uint32_t serials_{0};
    std::size_t runs_in_flight_{0};
    // Lines below this level are not even formatted; the sink filters further
    log_level log_threshold_{log_level::warning};
    executor_slot* default_slot_{nullptr};
    executor_slot* inline_slot_{nullptr};
    std::map<std::string, store_slot, std::less<>> stores_;
    store_slot* default_store_{nullptr};
    bool stores_closed_{false};
    std::unordered_map<const store_slot*, std::unique_ptr<sharing_state>> sharing_;
    instant offset_wall_{};
    typename timer_clock::time_point offset_timer_{};
    std::optional<typename Clocks::step_watcher> step_watcher_;
    std::vector<boost::asio::any_completion_handler<void(error_code)>> shutdown_waiters_;
    std::optional<boost::asio::any_completion_handler<void(error_code)>> run_waiter_;
    std::optional<boost::asio::any_io_executor> run_work_;
};

}  // namespace asched::detail

namespace asched {

// ------------------------------------------------------------------------------------------ basic_scheduler

template <class Clocks>
basic_scheduler<Clocks>::basic_scheduler(boost::asio::io_context& context, scheduler_options options)
    : basic_scheduler(context.get_executor(), std::move(options))
{
}

template <class Clocks>
basic_scheduler<Clocks>::basic_scheduler(executor_type executor, scheduler_options options)
    : core_(std::make_shared<detail::scheduler_core<Clocks>>(std::move(executor), std::move(options), this))
{
}

template <class Clocks>
basic_scheduler<Clocks>::~basic_scheduler()
{
    core_->shutdown(false);
}

template <class Clocks>
auto basic_scheduler<Clocks>::get_executor() const noexcept -> executor_type
{
    return core_->executor();
}

template <class Clocks>
const time_zone& basic_scheduler<Clocks>::zone() const noexcept
{
    return core_->zone();
}

template <class Clocks>
void basic_scheduler<Clocks>::start(bool paused)
{
    core_->start(paused);
}

template <class Clocks>
void basic_scheduler<Clocks>::shutdown(bool wait)
{
    core_->shutdown(wait);
}

template <class Clocks>
void basic_scheduler<Clocks>::pause()
{
    core_->pause();
}

template <class Clocks>
void basic_scheduler<Clocks>::resume()
{
    core_->resume();
}

template <class Clocks>
scheduler_state basic_scheduler<Clocks>::state() const noexcept
{
    return core_->state();
}

template <class Clocks>
void basic_scheduler<Clocks>::add_executor(std::string name, std::shared_ptr<job_executor> executor)
{
    core_->add_executor(std::move(name), std::move(executor));
}

template <class Clocks>
void basic_scheduler<Clocks>::remove_executor(std::string_view name)
{
    core_->remove_executor(name);
}

template <class Clocks>
void basic_scheduler<Clocks>::add_jobstore(std::string name, std::shared_ptr<job_store> store)
{
    core_->add_jobstore(std::move(name), std::move(store));
}

template <class Clocks>
void basic_scheduler<Clocks>::remove_jobstore(std::string_view name)
{
    core_->remove_jobstore(name);
}

template <class Clocks>
void basic_scheduler<Clocks>::async_add_job_impl(
    task code,
    trigger when,
    job_options options,
    boost::asio::any_completion_handler<void(std::exception_ptr, std::string)> handler
)
{
    boost::asio::post(
        core_->executor(),
        [core = core_, c = std::move(code), w = std::move(when), o = std::move(options), h = std::move(handler)](
        ) mutable {
            auto shared = std::make_shared<decltype(h)>(std::move(h));
            auto complete = [shared](std::exception_ptr error, std::string id) {
                auto ex = boost::asio::get_associated_executor(*shared);
                boost::asio::dispatch(ex, [shared, error, id = std::move(id)]() mutable {
                    std::move (*shared)(error, std::move(id));
                });
            };
            try
            {
                auto id = std::make_shared<std::string>();
                *id = core->add_job(
                              std::move(c),
                              std::move(w),
                              std::move(o),
                              [complete, id](error_code ec) {
                                  complete(
                                      ec ? std::make_exception_ptr(
                                               boost::system::system_error(ec, "job '" + *id + "' could not be stored")
                                           )
                                         : nullptr,
                                      *id
                                  );
                              }
                ).id;
            }
            catch (...)
            {
                complete(std::current_exception(), std::string());
            }
        }
    );
}

template <class Clocks>
void basic_scheduler<Clocks>::register_task(std::string name, task code)
{
    core_->register_task(std::move(name), std::move(code));
}

template <class Clocks>
std::optional<task> basic_scheduler<Clocks>::find_task(std::string_view name) const
{
    return core_->find_task(name);
}

template <class Clocks>
job basic_scheduler<Clocks>::add_job(task code, trigger when, job_options options)
{
    return add_job_impl(std::move(code), std::move(when), std::move(options));
}

template <class Clocks>
job basic_scheduler<Clocks>::add_job(std::string_view task_name, trigger when, job_options options)
{
    return add_job_impl(core_->registered_task(task_name), std::move(when), std::move(options));
}

template <class Clocks>
job basic_scheduler<Clocks>::add_job_impl(task&& code, trigger&& when, job_options&& options)
{
    return core_->add_job(std::move(code), std::move(when), std::move(options));
}

template <class Clocks>
std::optional<job> basic_scheduler<Clocks>::get_job(std::string_view id, std::string_view jobstore) const
{
    return core_->get_job(id, jobstore);
}

template <class Clocks>
std::vector<job> basic_scheduler<Clocks>::get_jobs(std::string_view jobstore) const
{
    return core_->get_jobs(jobstore);
}

template <class Clocks>
std::size_t basic_scheduler<Clocks>::job_count() const noexcept
{
    return core_->job_count();
}

template <class Clocks>
void basic_scheduler<Clocks>::print_jobs(std::ostream& out, std::string_view jobstore) const
{
    core_->print_jobs(out, jobstore);
}

template <class Clocks>
job basic_scheduler<Clocks>::modify_job(std::string_view id, job_changes changes, std::string_view jobstore)
{
    return core_->modify_job(id, std::move(changes), jobstore);
}

template <class Clocks>
job basic_scheduler<Clocks>::reschedule_job(std::string_view id, trigger when, std::string_view jobstore)
{
    return core_->reschedule_job(id, std::move(when), jobstore);
}

template <class Clocks>
job basic_scheduler<Clocks>::pause_job(std::string_view id, std::string_view jobstore)
{
    return core_->pause_job(id, jobstore);
}

template <class Clocks>
std::optional<job> basic_scheduler<Clocks>::resume_job(std::string_view id, std::string_view jobstore)
{
    return core_->resume_job(id, jobstore);
}

template <class Clocks>
void basic_scheduler<Clocks>::remove_job(std::string_view id, std::string_view jobstore)
{
    core_->remove_job(id, jobstore);
}

template <class Clocks>
void basic_scheduler<Clocks>::remove_all_jobs(std::string_view jobstore)
{
    core_->remove_all_jobs(jobstore);
}

template <class Clocks>
void basic_scheduler<Clocks>::run_job_now(std::string_view id, std::string_view jobstore)
{
    core_->run_job_now(id, jobstore);
}

template <class Clocks>
listener_id basic_scheduler<Clocks>::add_listener(event_listener listener, event_mask mask)
{
    return core_->add_listener(std::move(listener), mask);
}

template <class Clocks>
void basic_scheduler<Clocks>::remove_listener(listener_id id)
{
    core_->remove_listener(id);
}

template <class Clocks>
void basic_scheduler<Clocks>::async_run_impl(boost::asio::any_completion_handler<void(error_code)> handler)
{
    // Hop to the scheduler's executor: the caller may be elsewhere, and the handler must not run inside this call
    boost::asio::post(core_->executor(), [core = core_, h = std::move(handler)]() mutable {
        core->async_run(std::move(h));
    });
}

template <class Clocks>
void basic_scheduler<Clocks>::async_shutdown_impl(
    bool wait,
    boost::asio::any_completion_handler<void(error_code)> handler
)
{
    boost::asio::post(core_->executor(), [core = core_, wait, h = std::move(handler)]() mutable {
        core->async_shutdown(wait, std::move(h));
    });
}

}  // namespace asched

#endif
