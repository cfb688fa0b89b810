// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include <asched/scheduler_options.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cmath>
#include <date/tz.h>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

namespace asched {

time_zone scheduler_options::local_zone()
{
    try
    {
        return time_zone::locate(date::current_zone()->name());
    }
    catch (const std::exception&)
    {
        return time_zone::utc();  // no TZ and no /etc/localtime: UTC, as the docs say
    }
}

namespace {

[[noreturn]] void fail(const std::string& key, const boost::json::value* value, const std::string& why)
{
    std::string text = "scheduler configuration key '" + key + "'";
    if (value != nullptr)
        text += ": value " + boost::json::serialize(*value);
    throw std::invalid_argument(text + ": " + why);
}

const boost::json::object& object_at(const boost::json::value& json, const std::string& key)
{
    if (!json.is_object())
        fail(key, &json, "must be an object");
    return json.get_object();
}

void only_keys(
    const boost::json::object& object,
    const std::string& where,
    std::initializer_list<std::string_view> keys
)
{
    for (const auto& [key, value] : object)
    {
        bool known = false;
        for (const auto k : keys)
            known = known || key == k;
        if (!known)
        {
            std::string allowed;
            for (const auto k : keys)
                allowed += (allowed.empty() ? "" : ", ") + std::string(k);
            fail(
                where.empty() ? std::string(key) : where + "." + std::string(key),
                nullptr,
                "unknown key; allowed: " + allowed
            );
        }
    }
}

std::int64_t positive_integer(const boost::json::value& value, const std::string& key)
{
    if (!value.is_int64() && !value.is_uint64())
        fail(key, &value, "must be a positive integer");
    const auto n = value.to_number<std::int64_t>();
    if (n <= 0)
        fail(key, &value, "must be at least 1");
    return n;
}

std::shared_ptr<job_executor> executor_from_json(const boost::json::value& json, const std::string& key)
{
    const auto& object = object_at(json, key);
    only_keys(object, key, {"type", "max_workers"});
    const auto* type = object.if_contains("type");
    if (type == nullptr || !type->is_string())
        fail(key + ".type", type, "must be \"thread_pool\" or \"inline\"");
    if (type->get_string() == "thread_pool")
    {
        std::size_t workers = 10;
        if (const auto* n = object.if_contains("max_workers"))
            workers = static_cast<std::size_t>(positive_integer(*n, key + ".max_workers"));
        return make_thread_pool_executor(workers);
    }
    if (type->get_string() == "inline")
    {
        if (object.contains("max_workers"))
            fail(key + ".max_workers", nullptr, "applies to thread_pool executors only");
        return make_inline_executor();
    }
    fail(key + ".type", type, "unknown executor type; use \"thread_pool\" or \"inline\"");
}

}  // namespace

scheduler_options scheduler_options::from_json(const boost::json::value& json)
{
    scheduler_options options;
    const auto& root = object_at(json, "(root)");
    only_keys(root, "", {"timezone", "job_defaults", "executors", "jobstores"});

    if (const auto* zone = root.if_contains("timezone"))
    {
        if (!zone->is_string())
            fail("timezone", zone, "must be an IANA zone name such as \"Asia/Shanghai\"");
        try
        {
            options.zone = time_zone::locate(zone->get_string());
        }
        catch (const std::invalid_argument& e)
        {
            fail("timezone", zone, e.what());
        }
    }

    if (const auto* defaults = root.if_contains("job_defaults"))
    {
        const auto& object = object_at(*defaults, "job_defaults");
        only_keys(object, "job_defaults", {"misfire_grace_time", "coalesce", "max_instances"});
        if (const auto* grace = object.if_contains("misfire_grace_time"))
        {
            if (grace->is_null())
                options.job_defaults.misfire_grace_time = unlimited_grace;
            else if (grace->is_number() && grace->to_number<double>() >= 0 && std::isfinite(grace->to_number<double>()))
                options.job_defaults.misfire_grace_time = std::chrono::microseconds{
                    std::llround(grace->to_number<double>() * 1e6)};
            else
                fail("job_defaults.misfire_grace_time", grace, "must be seconds >= 0, or null for no limit");
        }
        if (const auto* coalesce = object.if_contains("coalesce"))
        {
            if (!coalesce->is_bool())
                fail("job_defaults.coalesce", coalesce, "must be true or false");
            options.job_defaults.coalesce = coalesce->get_bool();
        }
        if (const auto* max = object.if_contains("max_instances"))
            options.job_defaults.max_instances = static_cast<std::size_t>(
                positive_integer(*max, "job_defaults.max_instances")
            );
    }

    if (const auto* executors = root.if_contains("executors"))
        for (const auto& [name, spec] : object_at(*executors, "executors"))
            options.executors[std::string(name)] = executor_from_json(spec, "executors." + std::string(name));

    if (const auto* stores = root.if_contains("jobstores"))
        for (const auto& [name, spec] : object_at(*stores, "jobstores"))
        {
            const std::string key = "jobstores." + std::string(name);
            const auto& object = object_at(spec, key);
            const auto* type = object.if_contains("type");
            if (type != nullptr && type->is_string() && type->get_string() == "memory")
            {
                only_keys(object, key, {"type"});
                options.jobstores[std::string(name)] = "memory:";
            }
            else if (type != nullptr && type->is_string() && type->get_string() == "sqlite")
            {
                only_keys(object, key, {"type", "path"});
                const auto* path = object.if_contains("path");
                if (path == nullptr || !path->is_string() || path->get_string().empty())
                    fail(key + ".path", path, "must be the SQLite file's path, such as \"jobs.sqlite\"");
                options.jobstores[std::string(name)] = "sqlite:" + std::string(path->get_string());
            }
            else if (type != nullptr && type->is_string() && type->get_string() == "postgresql")
            {
                // "url": libpq's connection string or URL; empty (or absent) uses libpq's environment (PGHOST, ...)
                only_keys(object, key, {"type", "url"});
                const auto* url = object.if_contains("url");
                if (url != nullptr && !url->is_string())
                    fail(key + ".url", url, "must be libpq's connection string, such as \"postgresql://app@db/jobs\"");
                const std::string text = url == nullptr ? std::string() : std::string(url->get_string());
                options.jobstores[std::string(name)] = text.starts_with("postgresql://") ||
                                                               text.starts_with("postgres://")
                                                           ? text
                                                           : "postgresql:" + text;
            }
            else
                fail(key + ".type", type, "must be \"memory\", \"sqlite\" or \"postgresql\"");
        }
    return options;
}

}  // namespace asched
