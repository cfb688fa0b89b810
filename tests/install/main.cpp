// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
// Links against an installed asched; the library must report the version its package config file promised.
#include <asched/version.hpp>

#include <cstdio>
#include <cstring>

int main()
{
    const char* version = asched::version();
    std::printf("asched::version() = %s\n", version);
    if (std::strcmp(version, ASCHED_EXPECTED_VERSION) != 0)
    {
        std::fprintf(stderr, "expected version %s\n", ASCHED_EXPECTED_VERSION);
        return 1;
    }
    return 0;
}
