// SPDX-License-Identifier: GPL-2.0-only
#include "balancer/classifier.h"

#include "jalur/datapath.h"

#include <utility>

namespace jalur::balancer {

namespace {

const std::pair<const char *, uint32_t> kClassifiers[] = {
    {"src-address", JALUR_F_SRC_ADDR},
    {"dst-address", JALUR_F_DST_ADDR},
    {"both-addresses", JALUR_F_SRC_ADDR | JALUR_F_DST_ADDR},
    {"src-port", JALUR_F_SRC_PORT},
    {"dst-port", JALUR_F_DST_PORT},
    {"both-ports", JALUR_F_SRC_PORT | JALUR_F_DST_PORT},
    {"both-addresses-and-ports", JALUR_F_SRC_ADDR | JALUR_F_DST_ADDR | JALUR_F_SRC_PORT | JALUR_F_DST_PORT},
    {"src-address-and-port", JALUR_F_SRC_ADDR | JALUR_F_SRC_PORT},
    {"dst-address-and-port", JALUR_F_DST_ADDR | JALUR_F_DST_PORT},
};

} // namespace

std::optional<uint32_t> classifier_fields(std::string_view name)
{
    for (const auto &[n, f] : kClassifiers)
        if (name == n)
            return f;
    return std::nullopt;
}

std::string classifier_name(uint32_t fields)
{
    for (const auto &[n, f] : kClassifiers)
        if (fields == f)
            return n;
    return "fields:" + std::to_string(fields);
}

const std::vector<std::string> &classifier_names()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (const auto &[n, f] : kClassifiers)
            v.emplace_back(n);
        return v;
    }();
    return names;
}

} // namespace jalur::balancer
