// SPDX-License-Identifier: GPL-2.0-only
#include "notify/bot_updates.h"

#include "notify/json_reader.h"

#include <cctype>

namespace jalur::notify {

namespace {

bool read_id(json::Reader &rd, int64_t &out)
{
    double d = 0;
    if (!rd.number(d))
        return false;
    auto v = json::integer(d);
    if (!v)
        return false;
    out = *v;
    return true;
}

// {"from":{"id":..,"username":".."},"chat":{"id":..},"date":..,"text":".."}
bool read_message(json::Reader &rd, BotUpdate &u, bool &has_text)
{
    return rd.object([&](const std::string &k) {
        if (k == "from")
            return rd.object([&](const std::string &f) {
                if (f == "id")
                    return read_id(rd, u.user_id);
                if (f == "username")
                    return rd.string(u.username);
                return rd.skip();
            });
        if (k == "chat")
            return rd.object([&](const std::string &f) { return f == "id" ? read_id(rd, u.chat_id) : rd.skip(); });
        if (k == "date")
            return read_id(rd, u.date_unix);
        if (k == "text") {
            has_text = true;
            return rd.string(u.text);
        }
        return rd.skip();
    });
}

// An inline button pressed: {"from":{..},"message":{"chat":{..},"date":..},
// "data":".."}. Its date is the message's with the button (a press has none
// of its own): a button older than a minute is refused as stale.
bool read_callback(json::Reader &rd, BotUpdate &u, bool &has_text)
{
    return rd.object([&](const std::string &k) {
        if (k == "from")
            return rd.object([&](const std::string &f) {
                if (f == "id")
                    return read_id(rd, u.user_id);
                if (f == "username")
                    return rd.string(u.username);
                return rd.skip();
            });
        if (k == "message") {
            BotUpdate m;
            bool ignored = false;
            if (!read_message(rd, m, ignored))
                return false;
            u.chat_id = m.chat_id;
            u.date_unix = m.date_unix;
            return true;
        }
        if (k == "data") {
            has_text = true;
            return rd.string(u.text);
        }
        return rd.skip();
    });
}

} // namespace

Result<UpdateBatch> parse_updates(std::string_view body)
{
    UpdateBatch b;
    json::Reader rd(body);
    bool ok = false, has_result = false;
    bool parsed = rd.object([&](const std::string &key) {
        if (key == "ok")
            return rd.boolean(ok);
        if (key != "result")
            return rd.skip();
        has_result = true;
        return rd.array([&] {
            BotUpdate u;
            bool has_id = false, has_text = false, is_message = false;
            bool item = rd.object([&](const std::string &k) {
                if (k == "update_id")
                    return has_id = read_id(rd, u.update_id);
                if (k == "message") {
                    is_message = true;
                    return read_message(rd, u, has_text);
                }
                if (k == "callback_query") {
                    is_message = true;
                    return read_callback(rd, u, has_text);
                }
                return rd.skip();
            });
            if (!item || !has_id)
                return false;
            if (!b.last_id || u.update_id > *b.last_id)
                b.last_id = u.update_id;
            if (is_message && has_text && u.user_id && u.chat_id)
                b.messages.push_back(std::move(u));
            else
                b.skipped++;
            return true;
        });
    });
    if (!parsed || rd.fail() || !rd.at_end() || !ok || !has_result)
        return errorf("not a getUpdates answer (expected {\"ok\":true,\"result\":[...]} with an update_id in each "
                      "update)");
    return b;
}

std::optional<int64_t> first_update_id(std::string_view prefix)
{
    constexpr std::string_view kKey = "\"update_id\"";
    size_t at = prefix.find(kKey);
    if (at == std::string_view::npos)
        return std::nullopt;
    size_t i = at + kKey.size();
    while (i < prefix.size() && (prefix[i] == ' ' || prefix[i] == ':' || prefix[i] == '\n' || prefix[i] == '\t'))
        i++;
    int64_t v = 0;
    size_t digits = 0;
    while (i < prefix.size() && std::isdigit(static_cast<unsigned char>(prefix[i])) && digits < 18)
        v = v * 10 + (prefix[i++] - '0'), digits++;
    // the answer cut right after digits: the id may go on
    if (!digits || i == prefix.size() || std::isdigit(static_cast<unsigned char>(prefix[i])))
        return std::nullopt;
    return v;
}

} // namespace jalur::notify
