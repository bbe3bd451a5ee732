// SPDX-License-Identifier: GPL-2.0-only
#include "health/dns_message.h"

namespace jalur::health {

std::vector<uint8_t> dns_query(uint16_t id, const std::string &qname)
{
    std::vector<uint8_t> m = {
        static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id), 0x01, 0x00, // RD
        0, 1, 0, 0, 0, 0, 0, 0,                                             // one question
    };
    size_t start = 0;
    while (start < qname.size()) {
        size_t dot = qname.find('.', start);
        if (dot == std::string::npos)
            dot = qname.size();
        if (dot > start) {
            m.push_back(static_cast<uint8_t>(dot - start));
            m.insert(m.end(), qname.begin() + static_cast<long>(start), qname.begin() + static_cast<long>(dot));
        }
        start = dot + 1;
    }
    m.push_back(0);
    m.insert(m.end(), {0, 1, 0, 1}); // type A, class IN
    return m;
}

std::optional<int> dns_answer_rcode(const uint8_t *msg, size_t len, uint16_t id)
{
    if (len < 12 || (msg[0] << 8 | msg[1]) != id || !(msg[2] & 0x80))
        return std::nullopt;
    return msg[3] & 0x0f;
}

const char *dns_rcode_name(int rcode)
{
    static const char *names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"};
    return rcode >= 0 && rcode < 6 ? names[rcode] : "an unknown RCODE";
}

} // namespace jalur::health
