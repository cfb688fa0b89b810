// Copyright (c) 2026 the asched developers. Distributed under the Boost Software License, Version 1.0.
#include "text_format.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <ostream>

namespace asched::tools {
namespace {

std::size_t display_width(std::string_view text)
{
    // Continuation bytes (10xxxxxx) do not start a code point
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string number_text(double d)
{
    // Shortest round-trip form; Boost.JSON 1.81 would write 2.5 as 2.5E0
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string text(buf, ec == std::errc{} ? end : buf);
    if (text.find_first_of(".e") == std::string::npos)
        text += ".0";  // stays a double when read back
    return text;
}

void write_pretty(std::string& out, const boost::json::value& v, std::size_t indent)
{
    const std::string inner(indent + 2, ' ');
    if (const auto* object = v.if_object())
    {
        if (object->empty())
        {
            out += "{}";
            return;
        }
        out += "{\n";
        std::size_t i = 0;
        for (const auto& member : *object)
        {
            out += inner;
            out += boost::json::serialize(boost::json::string(member.key()));
            out += ": ";
            write_pretty(out, member.value(), indent + 2);
            out += ++i < object->size() ? ",\n" : "\n";
        }
        out.append(indent, ' ');
        out += '}';
    }
    else if (const auto* array = v.if_array())
    {
        if (array->empty())
        {
            out += "[]";
            return;
        }
        out += "[\n";
        std::size_t i = 0;
        for (const auto& element : *array)
        {
            out += inner;
            write_pretty(out, element, indent + 2);
            out += ++i < array->size() ? ",\n" : "\n";
        }
        out.append(indent, ' ');
        out += ']';
    }
    else if (const auto* d = v.if_double())
        out += number_text(*d);
    else
        out += boost::json::serialize(v);
}

}  // namespace

void print_table(std::ostream& out, const std::vector<table_row>& rows)
{
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
    {
        widths.resize(std::max(widths.size(), row.size()));
        for (std::size_t c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], display_width(row[c]));
    }
    for (const auto& row : rows)
    {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c)
        {
            line += row[c];
            if (c + 1 < row.size())
                line.append(widths[c] - display_width(row[c]) + 2, ' ');
        }
        out << line << '\n';
    }
}

std::string single_line(std::string_view text)
{
    std::string line(text);
    std::replace_if(
        line.begin(),
        line.end(),
        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; },
        ' '
    );
    return line;
}

std::string pretty_json(const boost::json::value& value)
{
    std::string out;
    write_pretty(out, value, 0);
    return out;
}

}  // namespace asched::tools
