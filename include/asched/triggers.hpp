// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_TRIGGERS_HPP
#define ASCHED_TRIGGERS_HPP

/// @file
/// @brief Every trigger kind.

#include <asched/errors.hpp>
#include <asched/time.hpp>
#include <asched/trigger.hpp>
#include <asched/triggers/calendar_interval_trigger.hpp>
#include <asched/triggers/combining_triggers.hpp>
#include <asched/triggers/cron_trigger.hpp>
#include <asched/triggers/date_trigger.hpp>
#include <asched/triggers/interval_trigger.hpp>
#include <asched/triggers/trigger_options.hpp>

#endif
