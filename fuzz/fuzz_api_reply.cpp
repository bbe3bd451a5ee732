// SPDX-License-Identifier: GPL-2.0-only
// The Bot API's reply, as a hostile server (or a proxy) could send it: the
// parser must not crash, and a retry_after it accepts is within its clamp.
#include "notify/api_reply.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto r = jalur::notify::parse_api_reply(std::string_view(reinterpret_cast<const char *>(data), size));
    if (r && r->retry_after &&
        (*r->retry_after < jalur::notify::kRetryAfterMin || *r->retry_after > jalur::notify::kRetryAfterMax))
        std::abort();
    return 0;
}
