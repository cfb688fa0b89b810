// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_DETAIL_TASK_MODEL_HPP
#define ASCHED_DETAIL_TASK_MODEL_HPP

#include <asched/job_completion.hpp>
#include <asched/job_context.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/system_error.hpp>

#include <any>
#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace asched {

namespace detail {

/// The shared, immutable face of every task; one model per function-object type implements it.
class task_base
{
public:
    explicit task_base(task_kind kind) noexcept : kind_(kind) {}
    virtual ~task_base() = default;
    task_base(const task_base&) = delete;
    task_base& operator=(const task_base&) = delete;

    task_kind kind() const noexcept { return kind_; }
    virtual std::string_view name() const noexcept { return {}; }

    /// task_kind::function: runs to completion; exceptions land in `outcome.error`.
    virtual void run(const job_context& context, job_outcome& outcome) const;
    /// task_kind::coroutine: the run as a coroutine; exceptions propagate out of it.
    virtual boost::asio::awaitable<job_outcome> run_coroutine(job_context context) const;
    /// task_kind::callback: starts the work; exceptions thrown by the start propagate.
    virtual void run_callback(const job_context& context, job_completion completion) const;

private:
    task_kind kind_;
};

template <class T>
struct awaitable_traits : std::false_type
{
};

template <class R, class Executor>
struct awaitable_traits<boost::asio::awaitable<R, Executor>> : std::true_type
{
    using value_type = R;
};

template <class F>
concept callback_with_context = std::invocable<F&, const job_context&, job_completion>;
template <class F>
concept callback_without_context = std::invocable<F&, job_completion>;
template <class F>
concept function_with_context = std::invocable<F&, const job_context&>;
template <class F>
concept function_without_context = std::invocable<F&>;

/// What a task can be made of.
template <class F>
concept job_function = callback_with_context<F> || callback_without_context<F> || function_with_context<F> ||
    function_without_context<F>;

/// Calls `f` with a context when it takes one.
template <class F>
decltype(auto) call_job_function(F& f, const job_context& context)
{
    if constexpr (function_with_context<F>)
        return std::invoke(f, context);
    else
        return std::invoke(f);
}

template <class F>
using job_function_result = decltype(call_job_function(std::declval<F&>(), std::declval<const job_context&>()));

/// Stores what a job returned: a set error_code is a failure, JSON when it converts, itself when it copies.
template <class R>
void set_result(job_outcome& outcome, R&& value)
{
    using T = std::remove_cvref_t<R>;
    if constexpr (std::is_same_v<T, boost::system::error_code>)
    {
        if (value)
            outcome.error = std::make_exception_ptr(boost::system::system_error(value));
    }
    else
    {
        if constexpr (boost::json::has_value_from<T>::value)
            outcome.result = boost::json::value_from(value);
        if constexpr (std::is_copy_constructible_v<T>)
            outcome.value = std::forward<R>(value);
    }
}

template <class F>
class function_task final : public task_base
{
public:
    explicit function_task(F f) : task_base(task_kind::function), f_(std::move(f)) {}

    void run(const job_context& context, job_outcome& outcome) const override
    {
        try
        {
            if constexpr (std::is_void_v<job_function_result<F>>)
                call_job_function(f_, context);
            else
                set_result(outcome, call_job_function(f_, context));
        }
        catch (...)
        {
            outcome.error = std::current_exception();
        }
    }

private:
    mutable F f_;
};

template <class F>
class coroutine_task final : public task_base
{
public:
    explicit coroutine_task(F f) : task_base(task_kind::coroutine), f_(std::move(f)) {}

    boost::asio::awaitable<job_outcome> run_coroutine(job_context context) const override
    {
        using R = typename awaitable_traits<job_function_result<F>>::value_type;
        job_outcome outcome;
        if constexpr (std::is_void_v<R>)
            co_await call_job_function(f_, context);
        else
            set_result(outcome, co_await call_job_function(f_, context));
        co_return outcome;
    }

private:
    mutable F f_;
};

template <class F>
class callback_task final : public task_base
{
public:
    explicit callback_task(F f) : task_base(task_kind::callback), f_(std::move(f)) {}

    void run_callback(const job_context& context, job_completion completion) const override
    {
        if constexpr (callback_with_context<F>)
            std::invoke(f_, context, std::move(completion));
        else
            std::invoke(f_, std::move(completion));
    }

private:
    mutable F f_;
};

/// The model for `F`. A function object without state is shared by every task made of its type, with no
/// allocation and no reference counting.
template <class Model, class F>
std::shared_ptr<const task_base> share_model(F&& f)
{
    using D = std::decay_t<F>;
    if constexpr (std::is_empty_v<D> && std::is_default_constructible_v<D> && std::is_trivially_copyable_v<D>)
    {
        static const Model model{D{}};
        return std::shared_ptr<const task_base>(std::shared_ptr<const task_base>{}, &model);
    }
    else
    {
        return std::make_shared<const Model>(std::forward<F>(f));
    }
}

template <class F>
std::shared_ptr<const task_base> make_task_model(F&& f)
{
    using D = std::decay_t<F>;
    if constexpr (callback_with_context<D> || callback_without_context<D>)
        return share_model<callback_task<D>>(std::forward<F>(f));
    else if constexpr (awaitable_traits<job_function_result<D>>::value)
        return share_model<coroutine_task<D>>(std::forward<F>(f));
    else
        return share_model<function_task<D>>(std::forward<F>(f));
}

}  // namespace detail
}  // namespace asched

#endif
