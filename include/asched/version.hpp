// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#ifndef ASCHED_VERSION_HPP
#define ASCHED_VERSION_HPP

/// @file
/// @brief The library's version.

namespace asched {

/// @brief The library's version as "MAJOR.MINOR.PATCH".
const char* version() noexcept;

}  // namespace asched

#endif
