// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.

#include "common/pg_query.hpp"

#include <boost/asio/io_context.hpp>

#include <stdexcept>

#include "lib/pg_connection.hpp"

namespace asched::test {

pg_rows query_rows(const std::string& conninfo, const std::string& sql, std::chrono::seconds timeout)
{
    boost::asio::io_context io;
    auto conn = asched::detail::pg_connection::create(io.get_executor(), conninfo);
    pg_rows rows;
    std::string failure;
    conn->async_connect(std::chrono::seconds{5}, [&](boost::system::error_code ec, std::string message) {
        if (ec)
        {
            failure = "connect: " + message;
            conn->close();
            return;
        }
        conn->async_query(sql, {}, [&](boost::system::error_code ec, asched::detail::pg_result r) {
            if (ec)
                failure = r.error.empty() ? ec.message() : r.error;
            rows = std::move(r.rows);
            conn->close();
        });
    });
    io.run_for(timeout);
    if (!failure.empty())
        throw std::runtime_error(failure + " (in: " + sql + ")");
    return rows;
}

}  // namespace asched::test
