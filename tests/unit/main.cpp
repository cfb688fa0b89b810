// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#define BOOST_TEST_MODULE asched
#include <boost/test/unit_test.hpp>
