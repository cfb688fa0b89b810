// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_LIB_TRIGGER_KINDS_HPP
#define ASCHED_LIB_TRIGGER_KINDS_HPP

#include <boost/json/object.hpp>

#include <memory>

#include "trigger_impl.hpp"

namespace asched {
class trigger;
}

namespace asched::detail {

// Each kind's decoder from its JSON form, defined beside the kind
std::shared_ptr<const trigger_impl> decode_date_trigger(const boost::json::object& json, const time_zone& zone);
std::shared_ptr<const trigger_impl> decode_interval_trigger(const boost::json::object& json, const time_zone& zone);
std::shared_ptr<const trigger_impl> decode_cron_trigger(const boost::json::object& json, const time_zone& zone);
std::shared_ptr<const trigger_impl> decode_calendar_interval_trigger(
    const boost::json::object& json,
    const time_zone& zone
);
std::shared_ptr<const trigger_impl> decode_and_trigger(const boost::json::object& json, const time_zone& zone);
std::shared_ptr<const trigger_impl> decode_or_trigger(const boost::json::object& json, const time_zone& zone);

/// A crontab string as a cron trigger implementation; `from_json` names its options as JSON keys in errors.
std::shared_ptr<const trigger_impl> make_crontab_trigger(
    std::string_view crontab,
    const trigger_options& options,
    bool from_json
);

}  // namespace asched::detail

#endif
