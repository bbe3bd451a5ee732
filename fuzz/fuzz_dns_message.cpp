// SPDX-License-Identifier: GPL-2.0-only
// A DNS answer from the network: the header reader must not read beyond the
// message, and an RCODE it returns is one (4 bits).
#include "health/dns_message.h"

#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint16_t id = static_cast<uint16_t>(data[0] << 8 | data[1]);
    // a copy of exactly the message's size, so that ASan sees any read past it
    std::vector<uint8_t> msg(data + 2, data + size);
    auto rcode = jalur::health::dns_answer_rcode(msg.data(), msg.size(), id);
    if (rcode && (*rcode < 0 || *rcode > 15))
        std::abort();
    return 0;
}
