// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
//
// A fresh directory for one test's files, removed with everything in it at the end.

#ifndef ASCHED_TESTS_COMMON_TEMP_DIR_HPP
#define ASCHED_TESTS_COMMON_TEMP_DIR_HPP

#include <atomic>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <unistd.h>

namespace asched::test {

/// A directory under the system's temporary directory, unique across processes and tests, and the path of a job
/// store file in it (not created).
struct temp_dir
{
    std::filesystem::path dir;
    std::filesystem::path db;

    temp_dir()
    {
        static std::atomic<int> counter{0};
        std::random_device random;
        dir = std::filesystem::temp_directory_path() / ("asched-test-" + std::to_string(::getpid()) + "-" +
                                                        std::to_string(counter++) + "-" + std::to_string(random()));
        std::filesystem::create_directories(dir);
        db = dir / "jobs.db";
    }
    ~temp_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(dir, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
};

}  // namespace asched::test

#endif
