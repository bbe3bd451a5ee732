// SPDX-License-Identifier: GPL-2.0-only
// Format, one line per WAN:
//   wan NAME START DOWN UP ALERTED RX_SEEN TX_SEEN
//   end FNV1A64-HEX
#include "control/quota_record.h"

#include <cinttypes>
#include <cstdio>
#include <sstream>

namespace jalur::control {

namespace {

uint64_t fnv1a(const std::string &s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex64(uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016" PRIx64, v);
    return buf;
}

} // namespace

std::string format_quota_records(const QuotaRecords &records)
{
    std::string body;
    for (const auto &[name, u] : records) {
        std::ostringstream line;
        line << "wan " << name << " " << u.period_start.time_since_epoch().count() << " " << u.down << " " << u.up
             << " " << u.alerted << " " << u.rx_seen << " " << u.tx_seen << "\n";
        body += line.str();
    }
    return body + "end " + hex64(fnv1a(body)) + "\n";
}

Result<QuotaRecords> parse_quota_records(const std::string &text)
{
    auto end = text.rfind("end ");
    if (end == std::string::npos || (end > 0 && text[end - 1] != '\n'))
        return errorf("no checksum line (a torn write?)");
    std::string body = text.substr(0, end);
    if (text.substr(end) != "end " + hex64(fnv1a(body)) + "\n")
        return errorf("the checksum does not match (a torn or corrupted file)");
    QuotaRecords out;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
        std::istringstream f(line);
        std::string tag, name, extra;
        int64_t start = 0;
        QuotaUsage u;
        if (!(f >> tag >> name >> start >> u.down >> u.up >> u.alerted >> u.rx_seen >> u.tx_seen) || tag != "wan" ||
            (f >> extra))
            return errorf("a line does not read: '" + line + "'");
        u.period_start = sys_seconds(std::chrono::seconds(start));
        out[name] = u;
    }
    return out;
}

} // namespace jalur::control
