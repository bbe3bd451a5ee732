// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/exposition.h"

#include <charconv>
#include <cmath>

namespace jalur::metrics {

namespace {

const char *type_name(Type t)
{
    switch (t) {
    case Type::Counter:
        return "counter";
    case Type::Gauge:
        return "gauge";
    case Type::Histogram:
        return "histogram";
    default:
        return "summary";
    }
}

bool name_char(char c, bool first, bool colon_ok)
{
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon_ok && c == ':');
    return alpha || (!first && c >= '0' && c <= '9');
}

bool valid_name(std::string_view n, bool colon_ok)
{
    if (n.empty())
        return false;
    for (size_t i = 0; i < n.size(); i++)
        if (!name_char(n[i], i == 0, colon_ok))
            return false;
    return true;
}

} // namespace

bool Writer::valid_metric_name(std::string_view n) { return valid_name(n, true); }

// Names starting with "__" are reserved for Prometheus itself.
bool Writer::valid_label_name(std::string_view n) { return valid_name(n, false) && n.substr(0, 2) != "__"; }

std::string Writer::escape_label_value(std::string_view v)
{
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string Writer::escape_help(std::string_view v)
{
    std::string out;
    out.reserve(v.size());
    for (char c : v) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string Writer::format_double(double v)
{
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof(buf), v); // shortest text that reads back exactly
    return std::string(buf, r.ptr);
}

bool Writer::family(std::string_view name, Type type, std::string_view help)
{
    current_.clear();
    if (!valid_metric_name(name)) {
        errors_.push_back(std::string(name) + ": not a valid metric name");
        return false;
    }
    if (!seen_.emplace(name).second) {
        errors_.push_back(std::string(name) + ": family written twice (its samples must be together)");
        return false;
    }
    current_ = name;
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type_name(type);
    out_ += '\n';
    return true;
}

void Writer::sample_named(std::string_view suffix, const Labels &labels, const std::string &value)
{
    if (current_.empty())
        return;
    std::string line = current_;
    line += suffix;
    if (!labels.empty()) {
        line += '{';
        bool first = true;
        for (const auto &[k, v] : labels) {
            if (!valid_label_name(k)) {
                errors_.push_back(current_ + ": '" + k + "' is not a valid label name; sample dropped");
                return;
            }
            if (!first)
                line += ',';
            first = false;
            line += k;
            line += "=\"";
            line += escape_label_value(v);
            line += '"';
        }
        line += '}';
    }
    line += ' ';
    line += value;
    line += '\n';
    out_ += line;
}

void Writer::histogram(const Labels &labels, const Histogram &h)
{
    uint64_t cumulative = 0;
    Labels with_le = labels;
    with_le.emplace_back("le", "");
    for (size_t i = 0; i < h.counts.size(); i++) {
        cumulative += h.counts[i];
        with_le.back().second = i < h.bounds.size() ? format_double(h.bounds[i]) : "+Inf";
        sample_named("_bucket", with_le, std::to_string(cumulative));
    }
    sample_named("_sum", labels, format_double(h.sum));
    sample_named("_count", labels, std::to_string(h.count));
}

} // namespace jalur::metrics
