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

void check_children(std::string_view kind, const std::vector<trigger>& children)
{
    if (children.size() < 2)
        throw invalid_trigger(
            std::string(kind) + " key 'triggers'",
            "needs at least 2 triggers, got " + std::to_string(children.size())
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
    and_trigger_impl(std::vector<trigger> children, microseconds threshold, std::size_t max_iterations)
        : children_(std::move(children)), threshold_(threshold), max_iterations_(max_iterations)
    {
        check_children("and", children_);
        if (threshold_.count() < 0)
            throw invalid_trigger("and key 'threshold'", "must not be negative");
        if (max_iterations_ == 0)
            throw invalid_trigger("and key 'max_iterations'", "must be at least 1");
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        // Each child's pending time: its first at or after now; after a previous answer, the one after its own
        // first fire at or after that answer (that fire took part in the previous answer or was passed over)
        std::vector<std::optional<instant>> pending;
        pending.reserve(children_.size());
        for (const auto& child : children_)
        {
            if (!previous)
                pending.push_back(child.next_fire_time(std::nullopt, now));
            else
            {
                const auto first = child.next_fire_time(std::nullopt, *previous);
                pending.push_back(first ? child.next_fire_time(*first, *first) : std::nullopt);
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
                    pending[i] = children_[i].next_fire_time(*pending[i], *pending[i]);
        }
        if (std::any_of(pending.begin(), pending.end(), [](const auto& p) { return !p; }))
            return std::nullopt;  // finished wins over the error
        throw trigger_search_exhausted(
            "and trigger: no common fire time within " + std::to_string(max_iterations_) + " iterations (threshold " +
            std::to_string(threshold_.count() / 1e6) + " s); its triggers may never fire close enough together"
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
};

class or_trigger_impl final : public trigger_impl
{
public:
    explicit or_trigger_impl(std::vector<trigger> children) : children_(std::move(children))
    {
        check_children("or", children_);
    }

    std::optional<instant> next_fire_time(std::optional<instant> previous, instant now) const override
    {
        std::optional<instant> earliest;
        for (const auto& child : children_)
            if (const auto t = child.next_fire_time(previous, now); t && (!earliest || *t < *earliest))
                earliest = t;
        return earliest;
    }

    std::string describe() const override { return "or[" + describe_children(children_) + "]"; }
    std::string_view kind() const noexcept override { return "or"; }
    time_zone zone() const noexcept override { return children_.front().zone(); }

    boost::json::object to_json() const override { return {{"type", "or"}, {"triggers", children_to_json(children_)}}; }

private:
    std::vector<trigger> children_;
};

std::vector<trigger> decode_children(const json_reader& in, const time_zone& zone)
{
    const auto* list = in.array("triggers");
    if (!list)
        in.fail("triggers", "missing; give an array of at least 2 triggers");
    std::vector<trigger> children;
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
    if (iterations <= 0)
        in.fail("max_iterations", "must be at least 1, got " + std::to_string(iterations));
    if (threshold.count() < 0)
        in.fail("threshold", "must not be negative");
    return std::make_shared<and_trigger_impl>(std::move(children), threshold, static_cast<std::size_t>(iterations));
}

std::shared_ptr<const trigger_impl> decode_or_trigger(const boost::json::object& json, const time_zone& zone)
{
    const json_reader in(json, "or", {"triggers"});
    return std::make_shared<or_trigger_impl>(decode_children(in, zone));
}

}  // namespace detail

and_trigger::and_trigger(std::vector<trigger> triggers, std::chrono::microseconds threshold, std::size_t max_iterations)
    : trigger(std::make_shared<detail::and_trigger_impl>(std::move(triggers), threshold, max_iterations))
{
}

or_trigger::or_trigger(std::vector<trigger> triggers)
    : trigger(std::make_shared<detail::or_trigger_impl>(std::move(triggers)))
{
}

}  // namespace asched
