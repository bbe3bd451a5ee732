// SPDX-License-Identifier: GPL-2.0-only
// An alert file from the spool, as a torn write or a bad disk leaves it:
// decoding must not crash, and what decodes encodes back to the same entry.
#include "notify/spool.h"

#include <cstdlib>

using namespace jalur::notify;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto e = decode_entry(std::string(reinterpret_cast<const char *>(data), size));
    if (!e)
        return 0;
    auto again = decode_entry(encode_entry(e.value()));
    if (!again || again->seq != e->seq || again->kind != e->kind || again->parts != e->parts ||
        again->time_unix != e->time_unix || again->created_unix != e->created_unix || again->silent != e->silent)
        std::abort();
    return 0;
}
