// SPDX-License-Identifier: GPL-2.0-only
// Telegram HTML: untrusted text escaped must be valid HTML; a valid message
// split at any limit gives valid parts, none longer than the limit.
#include "alerts/text.h"

#include <cstdlib>

using namespace jalur::notify;

namespace {

void check_parts(std::string_view html, size_t limit)
{
    for (const auto &part : split_message(html, limit))
        if (!check_html(part) || visible_length(part) > limit)
            std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    // the first byte picks a limit small enough to make many cuts
    size_t limit = 64 + data[0] * 4;
    std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
    std::string escaped = html_escape(text);
    if (!check_html(escaped))
        std::abort();
    check_parts(escaped, limit);
    if (check_html(text))
        check_parts(text, limit);
    return 0;
}
