// SPDX-License-Identifier: GPL-2.0-only
#include "notify/api_reply.h"

#include "notify/json_reader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace jalur::notify {

Result<ApiReply> parse_api_reply(std::string_view body)
{
    ApiReply r;
    bool has_ok = false;
    json::Reader rd(body);
    bool parsed = rd.object([&](const std::string &key) {
        double d = 0;
        if (key == "ok")
            return has_ok = rd.boolean(r.ok);
        if (key == "error_code") {
            if (!rd.number(d))
                return false;
            r.error_code = json::integer(d).value_or(0);
            return true;
        }
        if (key == "description")
            return rd.string(r.description);
        if (key == "parameters")
            return rd.object([&](const std::string &k) {
                if (k != "retry_after" && k != "migrate_to_chat_id")
                    return rd.skip();
                if (!rd.number(d))
                    return false;
                if (k == "migrate_to_chat_id") {
                    r.migrate_to_chat_id = json::integer(d);
                    return true;
                }
                // clamped, 1e999 (infinity) included; NaN cannot be written in JSON
                if (std::isnan(d))
                    return false;
                r.retry_after = static_cast<int64_t>(
                    std::clamp(d, static_cast<double>(kRetryAfterMin), static_cast<double>(kRetryAfterMax)));
                return true;
            });
        return rd.skip();
    });
    if (!parsed || rd.fail() || !rd.at_end() || !has_ok) {
        std::string head(body.substr(0, 60));
        for (auto &c : head)
            if (static_cast<unsigned char>(c) < 0x20)
                c = ' ';
        return errorf("not a Bot API reply (expected a JSON object with \"ok\"), starting '" + head + "'");
    }
    return r;
}

} // namespace jalur::notify
