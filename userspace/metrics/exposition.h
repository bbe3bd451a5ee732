// SPDX-License-Identifier: GPL-2.0-only
// The Prometheus text exposition format 0.0.4: families with HELP and TYPE,
// samples with escaped label values. Every scrape builds one Writer; a
// family's samples must be written together (the format requires it), so a
// family opened twice is refused and reported, never silently interleaved.
#pragma once

#include "metrics/histogram.h"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace jalur::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class Type { Counter, Gauge, Histogram, Summary };

class Writer {
public:
    // Starts a family. Counters' names end in _total, by convention; the
    // name is used as is. Returns false (and drops the family's samples)
    // for an invalid or repeated name.
    bool family(std::string_view name, Type type, std::string_view help);

    // A sample of the current family.
    void sample(const Labels &labels, double value) { sample_named("", labels, format_double(value)); }
    // Integers exactly, whatever their size (a byte counter passes 2^53).
    template <typename T>
        requires std::is_integral_v<T>
    void sample(const Labels &labels, T value)
    {
        sample_named("", labels, std::to_string(value));
    }
    // The _bucket, _sum and _count samples of a histogram family.
    void histogram(const Labels &labels, const Histogram &h);

    const std::string &text() const { return out_; }
    // What was refused, for the log: "jalur_x: family written twice".
    const std::vector<std::string> &errors() const { return errors_; }

    static std::string escape_label_value(std::string_view v);
    static std::string escape_help(std::string_view v);
    static bool valid_metric_name(std::string_view n);
    static bool valid_label_name(std::string_view n);
    static std::string format_double(double v);

private:
    void sample_named(std::string_view suffix, const Labels &labels, const std::string &value);

    std::string out_;
    std::string current_; // empty: no family open, or the open one was refused
    std::set<std::string, std::less<>> seen_;
    std::vector<std::string> errors_;
};

} // namespace jalur::metrics
