// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/errors.hpp>
#include <asched/triggers/combining_triggers.hpp>

#include <boost/json/value.hpp>

#include <algorithm>

#include "json_reader.hpp"
#include "trigger_kinds.hpp"

namespace asched {
namespace detail {
namespace {

using std::chrono::microseconds;

// The deepest nesting of and/or: the job document of the deepest trigger still parses with Boost.JSON's default
// depth limit of 32 (an export document, a job document and the trigger's object take 4 levels, each and/or 2)
constexpr int max_nesting_depth = 8;

// The rounds an and trigger may be given, and the child evaluations of one next_fire_time call of the outermost
// and/or, however deep the nesting: together they bound the work of every call
constexpr std::int64_t max_iterations_limit = 1'000'000;
constexpr std::uint64_t evaluation_budget = 1'000'000;

// Counts the child evaluations of the outermost and/or call on this thread (a trigger is shared between threads,
// so the count cannot live in it)
class evaluation_scope
{
public:
    evaluation_scope() noexcept
    {
        if (depth_++ == 0)
            used_ = 0;
    }
    ~evaluation_scope() { --depth_; }
    evaluation_scope(const evaluation_scope&) = delete;
    evaluation_scope& operator=(const evaluation_scope&) = delete;

    static std::optional<instant> evaluate(const trigger& child, std::optional<instant> previous, instant now)
    {
        if (++used_ > evaluation_budget)
            throw trigger_search_exhausted(
                "and/or trigger: more than 1,000,000 evaluations of child triggers in one next fire time (nested "
                "and triggers whose children never agree); the search gave up"
            );
        return child.next_fire_time(previous, now);
    }

private:
    static thread_local int depth_;
    static thread_local std::uint64_t used_;
};

thread_local int evaluation_scope::depth_ = 0;
thread_local std::uint64_t evaluation_scope::used_ = 0;

void check_children(const setting_names& name, const std::vector<trigger>& children)
{
    if (children.size() < 2)
        throw invalid_trigger(name("triggers"), "needs at least 2 triggers, got " + std::to_string(children.size()));
}

int nesting_of(const std::vector<trigger>& children)
{
    int deepest = 0;
    for (const auto& child : children)
        deepest = std::max(deepest, trigger_access::impl(child).nesting_depth());
    return deepest + 1;
}

void check_nesting(const setting_names& name, int depth)
{
    if (depth > max_nesting_depth)
        throw invalid_trigger(
            name("triggers"),
            "and/or triggers nest " + std::to_string(depth) + " levels deep; at most " +
                std::to_string(max_nesting_depth) + " are allowed"
        );
}

std::string describe_children(const std::vector<trigger>& children)
{
    std::string text;
    for (const auto& child : children)
        text += (text.empty() ? "" : ", ") + child.describe();
    return text;
}

boost::json::array children_to_json(const std::vector<trigger>& children)
{
    boost::json::array out;
    for (const auto& child : children)
        out.push_back(child.to_json());
    return out;
}

class and_trigger_impl final : public trigger_impl
{
public:
    and_trigger_impl(std::vector<trigger> children, microseconds threshold, std::size_t max_iterations, bool from_json)
        : children_(std::move(children)),
          threshold_(threshold),
          max_iterations_(max_iterations),
          depth_(nesting_of(children_))
    {
        const setting_names name{"and", "and_trigger", from_json, ""};
        check_children(name, children_);
        check_nesting(name, depth_);
        check_duration(name, "threshold", threshold_);
        if (max_iterations_ == 0 || max_iterations_ > static_cast<std::size_t>(max_iterations_limit))
            throw invalid_trigger(
                name("max_iterations"),
                "must be 1 to 1000000, got " + std::to_string(max_iterations_)
            );
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        // Each child's pending time: its first at or after now; after a previous answer, the one after its own
        // first fire at or after that answer (that fire took part in the previous answer or was passed over)
        const evaluation_scope scope;
        const auto evaluate = &evaluation_scope::evaluate;
        std::vector<std::optional<instant>> pending;
        pending.reserve(children_.size());
        for (const auto& child : children_)
        {
            if (!previous)
                pending.push_back(evaluate(child, std::nullopt, now));
            else
            {
                const auto first = evaluate(child, std::nullopt, *previous);
                pending.push_back(first ? evaluate(child, *first, *first) : std::nullopt);
            }
        }
        for (std::size_t round = 0; round < max_iterations_; ++round)
        {
            if (std::any_of(pending.begin(), pending.end(), [](const auto& p) { return !p; }))
                return std::nullopt;  // a finished child finishes the whole
            const instant earliest = **std::min_element(pending.begin(), pending.end());
            const auto close = [&](const std::optional<instant>& p) { return *p - earliest <= threshold_; };
            if (std::all_of(pending.begin(), pending.end(), close))
                return earliest;
            for (std::size_t i = 0; i < children_.size(); ++i)
                if (close(pending[i]))
                    pending[i] = evaluate(children_[i], *pending[i], *pending[i]);
        }
        if (std::any_of(pending.begin(), pending.end(), [](const auto& p) { return !p; }))
            return std::nullopt;  // finished wins over the error
        throw trigger_search_exhausted(
            "and trigger: no common fire time within " + std::to_string(max_iterations_) + " iterations (threshold " +
            seconds_text(threshold_) + " s); its triggers may never fire close enough together"
        );
    }

    std::string describe() const override
    {
        std::string text = "and[" + describe_children(children_);
        if (threshold_ != std::chrono::seconds{1})
            text += ", threshold=" + seconds_text(threshold_) + "s";
        return text + "]";
    }

    std::string_view kind() const noexcept override { return "and"; }
    time_zone zone() const noexcept override { return children_.front().zone(); }
    int nesting_depth() const noexcept override { return depth_; }

    boost::json::object to_json() const override
    {
        return {
            {"type", "and"},
            {"triggers", children_to_json(children_)},
            {"threshold", seconds_to_json(threshold_)},
            {"max_iterations", max_iterations_}};
    }

private:
    std::vector<trigger> children_;
    microseconds threshold_;
    std::size_t max_iterations_;
    int depth_;
};

class or_trigger_impl final : public trigger_impl
{
public:
    or_trigger_impl(std::vector<trigger> children, bool from_json)
        : children_(std::move(children)), depth_(nesting_of(children_))
    {
        const setting_names name{"or", "or_trigger", from_json, ""};
        check_children(name, children_);
        check_nesting(name, depth_);
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        const evaluation_scope scope;
        std::optional<instant> earliest;
        for (const auto& child : children_)
            if (const auto t = evaluation_scope::evaluate(child, previous, now); t && (!earliest || *t < *earliest))
                earliest = t;
        return earliest;
    }

    std::string describe() const override { return "or[" + describe_children(children_) + "]"; }
    std::string_view kind() const noexcept override { return "or"; }
    time_zone zone() const noexcept override { return children_.front().zone(); }
    int nesting_depth() const noexcept override { return depth_; }

    boost::json::object to_json() const override { return {{"type", "or"}, {"triggers", children_to_json(children_)}}; }

private:
    std::vector<trigger> children_;
    int depth_;
};

std::vector<trigger> decode_children(const json_reader& in, const time_zone& zone)
{
    const auto* list = in.array("triggers");
    if (!list)
        in.fail("triggers", "missing; give an array of at least 2 triggers");
    // Refused before descending, so a JSON value nested without end (built in memory, not parsed) cannot exhaust
    // the stack
    thread_local int decoding_depth = 0;
    if (decoding_depth >= max_nesting_depth)
        in.fail("triggers", "and/or triggers nest more than " + std::to_string(max_nesting_depth) + " levels deep");
    struct depth_guard
    {
        depth_guard() noexcept { ++decoding_depth; }
        ~depth_guard() { --decoding_depth; }
    } const guard;
    std::vector<trigger> children;
    children.reserve(list->size());
    for (const auto& child : *list)
        children.push_back(trigger::from_json(child, zone));
    return children;
}

}  // namespace

std::shared_ptr<const trigger_impl> decode_and_trigger(const boost::json::object& json, const time_zone& zone)
{
    const json_reader in(json, "and", {"triggers", "threshold", "max_iterations"});
    auto children = decode_children(in, zone);
    const auto threshold = in.seconds("threshold").value_or(std::chrono::seconds{1});
    const auto iterations = in.integer("max_iterations").value_or(10000);
    if (iterations <= 0 || iterations > max_iterations_limit)
        in.fail("max_iterations", "must be 1 to 1000000, got " + std::to_string(iterations));
    return std::make_shared<and_trigger_impl>(
        std::move(children),
        threshold,
        static_cast<std::size_t>(iterations),
        true
    );
}

std::shared_ptr<const trigger_impl> decode_or_trigger(const boost::json::object& json, const time_zone& zone)
{
    const json_reader in(json, "or", {"triggers"});
    return std::make_shared<or_trigger_impl>(decode_children(in, zone), true);
}

}  // namespace detail

and_trigger::and_trigger(std::vector<trigger> triggers, std::chrono::microseconds threshold, std::size_t max_iterations)
    : trigger(std::make_shared<detail::and_trigger_impl>(std::move(triggers), threshold, max_iterations, false))
{
}

or_trigger::or_trigger(std::vector<trigger> triggers)
    : trigger(std::make_shared<detail::or_trigger_impl>(std::move(triggers), false))
{
}

}  // namespace asched
