// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// A tour of the trigger kinds: builds one of each in C++ and prints its next fire times from a fixed instant.
// Triggers are plain values: no io_context, no scheduler needed to ask them when they fire.
#include <asched/triggers.hpp>

#include <chrono>
#include <iostream>
#include <optional>

namespace {

void show(const asched::trigger& trigger, asched::instant from, int count)
{
    std::cout << trigger.describe() << '\n';
    std::optional<asched::instant> previous;
    for (int i = 0; i < count; ++i)
    {
        // Each answer is the next question's `previous`
        previous = trigger.next_fire_time(previous, previous ? *previous : from);
        if (!previous)
        {
            std::cout << "  (finished)\n";
            break;
        }
        std::cout << "  " << asched::format_datetime(*previous, trigger.zone()) << '\n';
    }
}

}  // namespace

int main()
{
    using namespace std::chrono_literals;
    const auto new_york = asched::time_zone::locate("America/New_York");
    const auto berlin = asched::time_zone::locate("Europe/Berlin");
    // The night New York springs forward: 02:00 EST becomes 03:00 EDT
    const asched::instant from = asched::parse_datetime("2026-03-07T12:00:00", new_york);

    // Once, at a local time that falls in the gap: it fires at 03:30 EDT
    show(asched::date_trigger{asched::parse_datetime("2026-03-08T02:30:00", new_york), new_york}, from, 2);

    // Every 90 minutes of elapsed time, whatever the wall clock does
    show(asched::interval_trigger{90min, {.start_date = from, .timezone = new_york}}, from, 4);

    // Weekdays, every hour from 9 to 17, APScheduler's field form
    show(asched::cron_trigger{{.day_of_week = "mon-fri", .hour = "9-17"}, {.timezone = new_york}}, from, 3);

    // A crontab string: every 15 minutes, through the gap without firing twice
    show(asched::cron_trigger::from_crontab("*/15 1-3 8 3 *", {.timezone = new_york}), from, 6);

    // The 31st of every month that has one, at 09:00 in Berlin: skipped, never clamped
    show(
        asched::calendar_interval_trigger{
            {.months = 1, .hour = 9, .start_date = date::year{2026} / 1 / 31, .timezone = berlin}},
        from,
        4
    );

    // Either of two schedules; and both at once (within the default threshold of one second)
    const asched::cron_trigger weekdays_9{{.day_of_week = "mon-fri", .hour = "9"}, {.timezone = berlin}};
    const asched::cron_trigger weekends_11{{.day_of_week = "sat,sun", .hour = "11"}, {.timezone = berlin}};
    show(asched::or_trigger{{weekdays_9, weekends_11}}, from, 4);
    const asched::cron_trigger first_of_month{{.day = "1", .hour = "9"}, {.timezone = berlin}};
    show(asched::and_trigger{{weekdays_9, first_of_month}}, from, 3);

    // The same triggers as data: the JSON form, as stores keep them and `asched next` reads them
    const auto parsed = asched::trigger::parse(R"({"type": "cron", "day": "last fri", "hour": 18})", berlin);
    show(parsed, from, 3);
    return 0;
}
