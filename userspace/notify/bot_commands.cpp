// SPDX-License-Identifier: GPL-2.0-only
#include "notify/bot_commands.h"

#include <algorithm>

namespace jalur::notify {

namespace {

struct VerbInfo {
    BotVerb verb;
    const char *name;
    size_t min_args, max_args;
    const char *usage;
};

constexpr VerbInfo kVerbs[] = {
    {BotVerb::Status, "status", 0, 0, "/status"},
    {BotVerb::Wans, "wans", 0, 0, "/wans"},
    {BotVerb::Events, "events", 0, 1, "/events [COUNT]"},
    {BotVerb::Why, "why", 2, 5, "/why SRC DST [PROTO SPORT DPORT]"},
    {BotVerb::Drain, "drain", 1, 1, "/drain WAN"},
    {BotVerb::Disable, "disable", 1, 1, "/disable WAN"},
    {BotVerb::Enable, "enable", 1, 1, "/enable WAN"},
    {BotVerb::Confirm, "confirm", 1, 1, "/confirm CODE"},
    {BotVerb::Help, "help", 0, 0, "/help"},
};

std::string usage_list()
{
    std::string out;
    for (const auto &v : kVerbs)
        out += (out.empty() ? "" : ", ") + std::string(v.usage);
    return out;
}

std::vector<std::string> words(std::string_view s)
{
    std::vector<std::string> out;
    size_t i = 0;
    while (i < s.size() && out.size() <= 8) { // a few more than any command takes: the count is checked
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
            i++;
        size_t start = i;
        while (i < s.size() && s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            i++;
        if (i > start)
            out.emplace_back(s.substr(start, i - start));
    }
    return out;
}

} // namespace

const char *bot_verb_name(BotVerb v)
{
    for (const auto &i : kVerbs)
        if (i.verb == v)
            return i.name;
    return "?";
}

bool destructive(BotVerb v) { return v == BotVerb::Drain || v == BotVerb::Disable || v == BotVerb::Enable; }

Result<BotCommand> parse_bot_command(std::string_view text, std::string_view bot)
{
    if (text.size() > 512)
        return errorf("too long for a command", ErrorKind::Invalid);
    auto w = words(text);
    if (w.empty() || w[0].size() < 2 || w[0][0] != '/')
        return errorf("not a command; commands: " + usage_list(), ErrorKind::Invalid);
    std::string name = w[0].substr(1);
    if (auto at = name.find('@'); at != std::string::npos) {
        if (name.substr(at + 1) != bot)
            return errorf("addressed to another bot", ErrorKind::NotFound);
        name.resize(at);
    }
    for (const auto &v : kVerbs) {
        if (name != v.name)
            continue;
        size_t n = w.size() - 1;
        if (n < v.min_args || n > v.max_args)
            return errorf(std::string("usage: ") + v.usage, ErrorKind::Invalid);
        return BotCommand{v.verb, std::vector<std::string>(w.begin() + 1, w.end())};
    }
    return errorf("unknown command /" + name + "; commands: " + usage_list(), ErrorKind::Invalid);
}

Decision BotGate::decide(const BotUpdate &u, int64_t now_unix)
{
    Decision d;
    if (!policy_.admins.count(u.user_id) || !policy_.chats.count(u.chat_id)) {
        stats_.strangers++;
        return d; // Ignore
    }
    auto cmd = parse_bot_command(u.text, policy_.bot);
    if (!cmd && cmd.error().kind == ErrorKind::NotFound)
        return d; // for another bot in the group: not ours to answer
    d.verdict = Verdict::Refuse;
    int64_t age = now_unix - u.date_unix;
    if (age > policy_.max_age.count()) {
        stats_.stale++;
        d.reply = "Not run: this command was sent " + std::to_string(age) + " s ago (more than " +
                  std::to_string(policy_.max_age.count()) + " s; queued while the router was offline?). " +
                  "Send it again if it still applies.";
        return d;
    }
    if (!cmd) {
        stats_.malformed++;
        d.reply = cmd.error().message;
        return d;
    }
    if (cmd->verb == BotVerb::Confirm)
        return confirm(u, cmd.value(), now_unix);
    if (destructive(cmd->verb)) {
        while (pending_.size() >= kMaxPending)
            pending_.pop_front();
        std::string code = code_();
        pending_.push_back({code, cmd.value(), u.chat_id, u.user_id, now_unix + policy_.confirm_within.count()});
        stats_.confirmations_asked++;
        d.verdict = Verdict::Confirm;
        d.command = cmd.value();
        d.code = code;
        d.reply = "To " + std::string(bot_verb_name(cmd->verb)) + " " + cmd->args[0] + ", send /confirm " + code +
                  " within " + std::to_string(policy_.confirm_within.count()) + " s.";
        return d;
    }
    stats_.run++;
    d.verdict = Verdict::Run;
    d.command = cmd.value();
    return d;
}

Decision BotGate::confirm(const BotUpdate &u, const BotCommand &c, int64_t now_unix)
{
    Decision d;
    d.verdict = Verdict::Refuse;
    std::erase_if(pending_, [&](const Pending &p) { return p.expires_unix < now_unix; });
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending &p) {
        // only the admin who asked, in the chat where they asked
        return p.code == c.args[0] && p.chat_id == u.chat_id && p.user_id == u.user_id;
    });
    if (it == pending_.end()) {
        stats_.confirmations_refused++;
        d.reply = "No such confirmation: it expired, was used, or was asked by someone else. Send the command "
                  "again.";
        return d;
    }
    d.verdict = Verdict::Run;
    d.command = it->command;
    pending_.erase(it); // once
    stats_.confirmed++;
    stats_.run++;
    return d;
}

bool ReplyLimiter::allow(int64_t chat_id, int64_t now_unix)
{
    auto &times = sent_[chat_id];
    while (!times.empty() && times.front() <= now_unix - 60)
        times.pop_front();
    if (times.size() >= per_minute_) {
        suppressed_++;
        return false;
    }
    times.push_back(now_unix);
    return true;
}

} // namespace jalur::notify
