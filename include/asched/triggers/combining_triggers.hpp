// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_COMBINING_TRIGGERS_HPP
#define ASCHED_TRIGGERS_COMBINING_TRIGGERS_HPP

/// @file
/// @brief @ref asched::and_trigger "and_trigger" and @ref asched::or_trigger "or_trigger": triggers made of other
/// triggers.

#include <asched/trigger.hpp>

#include <chrono>
#include <cstddef>
#include <vector>

namespace asched {

/**
 * @brief Fires when all its children fire within `threshold` of each other (APScheduler 4's algorithm, made
 * stateless), at the earliest of their times. Finished as soon as any child is.
 * @code
 * // 09:00 on the first of the month, when that is a weekday
 * asched::and_trigger both{{weekdays_at_9, first_of_month_at_9}};
 * @endcode
 */
class and_trigger : public trigger
{
public:
    /**
     * @brief Combines at least 2 triggers.
     * @param triggers the triggers that must agree; at least 2.
     * @param threshold how far apart (inclusive) the children's times may be and still count as one, >= 0.
     * @param max_iterations rounds to search before giving up with @ref trigger_search_exhausted, > 0.
     * @throws invalid_trigger for fewer than 2 children, a negative threshold or zero iterations.
     */
    explicit and_trigger(
        std::vector<trigger> triggers,
        std::chrono::microseconds threshold = std::chrono::seconds{1},
        std::size_t max_iterations = 10000
    );
};

/**
 * @brief Fires whenever any child fires (equal times fire once). Finished when every child is.
 * @code
 * asched::or_trigger weekday_or_weekend{{weekdays_at_9, weekends_at_11}};
 * @endcode
 */
class or_trigger : public trigger
{
public:
    /// @brief Combines at least 2 triggers.
    /// @throws invalid_trigger for fewer than 2 children.
    explicit or_trigger(std::vector<trigger> triggers);
};

}  // namespace asched

#endif
