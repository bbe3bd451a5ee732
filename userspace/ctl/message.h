// SPDX-License-Identifier: GPL-2.0-only
// The control socket's messages: one line of JSON each way. A request is a
// flat object, {"command": "reload", "config": "/etc/jalur/site.yaml"}; a
// reply is {"ok": true, "message": "..."} or {"ok": false, "error": "..."}.
// Flat on purpose: a parser that takes only strings, numbers and booleans
// has little to get wrong, and a command's arguments need no more.
#pragma once

#include "common/result.h"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace jalur::ctl {

// One request line at most, its newline included: a path and a few words.
constexpr size_t kMaxRequest = 16384;

// A flat JSON object: each member's value as text (strings unescaped,
// numbers and true/false as written).
using Fields = std::map<std::string, std::string>;

// Refuses anything but one flat object: nesting, null, a repeated key,
// an unterminated string, a control character, trailing text, or more than
// `max` bytes.
Result<Fields> parse_object(std::string_view text, size_t max = kMaxRequest);

struct Request {
    std::string command;
    Fields args; // every member but "command"
    const std::string *arg(const std::string &name) const
    {
        auto it = args.find(name);
        return it == args.end() ? nullptr : &it->second;
    }
};

Result<Request> parse_request(std::string_view line);
std::string request_line(const Request &r); // with its newline

struct Reply {
    bool ok = false;
    std::string text; // the message, or the error
    Fields data;      // more members of a reply that is ok ("last_seq" of events)
    static Reply done(std::string message, Fields data = {}) { return {true, std::move(message), std::move(data)}; }
    static Reply refused(std::string error) { return {false, std::move(error), {}}; }
};

std::string reply_line(const Reply &r); // with its newline
Result<Reply> parse_reply(std::string_view line);

} // namespace jalur::ctl
