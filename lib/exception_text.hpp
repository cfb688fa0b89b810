// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#ifndef ASCHED_LIB_EXCEPTION_TEXT_HPP
#define ASCHED_LIB_EXCEPTION_TEXT_HPP

#include <exception>
#include <string>

namespace asched::detail {

/// What a job threw, as text for logs and event lines.
inline std::string exception_text(const std::exception_ptr& error)
{
    try
    {
        std::rethrow_exception(error);
    }
    catch (const std::exception& e)
    {
        return e.what();
    }
    catch (...)
    {
        return "an exception not derived from std::exception";
    }
}

}  // namespace asched::detail

#endif
