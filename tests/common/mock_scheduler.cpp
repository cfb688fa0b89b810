// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

// The scheduler on mock clocks, compiled once for all tests.

#include "common/mock_scheduler.hpp"

#include "lib/scheduler_core.hpp"

template class asched::basic_scheduler<asched::test::mock_clocks>;
