// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include <asched/version.hpp>

namespace asched {

const char* version() noexcept { return "0.1.0"; }

}  // namespace asched
