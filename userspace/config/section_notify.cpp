// SPDX-License-Identifier: GPL-2.0-only
// `notify`: alerts to Telegram. Without the section the agent sends none.
// The token itself is never in this file: it comes from a file or an
// environment variable, read when the agent starts.
#include "config/sections.h"

#include "alerts/templates.h"

#include <regex>

namespace jalur::config {

namespace {

// A numeric chat id (negative for groups and channels) or a public
// channel's @username.
bool valid_chat_id(const std::string &id)
{
    static const std::regex kChat(R"(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})");
    return std::regex_match(id, kChat);
}

void parse_chat(Diagnostics &d, const Value &item, Notify &n)
{
    NotifyChat chat;
    chat.where = item.at;
    const Value *id = &item;
    std::optional<MapReader> m;
    if (item.node.IsMap()) {
        m.emplace(d, item, std::vector<std::string>{"id", "thread_id"});
        id = m->require("id");
        if (const Value *t = m->get("thread_id"))
            if (auto v = read_uint(d, *t, 1, 0x7fffffff))
                chat.thread_id = static_cast<int64_t>(*v);
    }
    if (!id)
        return;
    auto s = read_string(d, *id);
    if (!s)
        return;
    if (!valid_chat_id(*s)) {
        d.error(id->at, id->path + ": expected a chat id (an integer, negative for a group) or a channel's "
                                   "@username, got " + describe(id->node));
        return;
    }
    for (const auto &c : n.chats)
        if (c.id == *s && c.thread_id == chat.thread_id)
            d.error(id->at, id->path + ": chat " + *s + " is listed twice (line " + std::to_string(c.where.line) + ")");
    chat.id = *s;
    n.chats.push_back(chat);
}

// A Telegram id: an integer (negative for a group's chat; a user's is positive).
std::optional<int64_t> read_telegram_id(Diagnostics &d, const Value &v, bool negative_ok, const char *what)
{
    static const std::regex kId(R"(-?[0-9]{1,16})");
    if (!v.node.IsScalar() || !std::regex_match(v.node.Scalar(), kId) || v.node.Scalar() == "0" ||
        v.node.Scalar() == "-0" || (!negative_ok && v.node.Scalar()[0] == '-')) {
        d.error(v.at, v.path + ": expected " + what + ", got " + describe(v.node));
        return std::nullopt;
    }
    return std::stoll(v.node.Scalar());
}

void parse_commands(Diagnostics &d, const Value &v, Notify &n)
{
    MapReader m(d, v, {"enabled", "admins", "chats", "bot"});
    if (!m.ok())
        return;
    NotifyCommands c;
    c.where = m.at();
    if (const Value *e = m.get("enabled"))
        if (auto on = read_choice<bool>(d, *e, {{"on", true}, {"off", false}, {"true", true}, {"false", false}}))
            c.enabled = *on;
    if (const Value *a = m.require("admins", "the Telegram user ids that may send commands"))
        for (const auto &item : read_items(d, *a, "expected at least one user id"))
            if (auto id = read_telegram_id(d, item, false, "a Telegram user id (a positive integer)"))
                c.admins.push_back(*id);
    if (const Value *ch = m.require("chats", "the chat ids where commands are taken; a private chat's id is the "
                                             "user's"))
        for (const auto &item : read_items(d, *ch, "expected at least one chat id"))
            if (auto id = read_telegram_id(d, item, true, "a chat id (an integer, negative for a group)"))
                c.chats.push_back(*id);
    if (const Value *b = m.get("bot"))
        if (auto s = read_string(d, *b)) {
            static const std::regex kBot("@?[A-Za-z][A-Za-z0-9_]{3,31}");
            if (!std::regex_match(*s, kBot))
                d.error(b->at, b->path + ": expected the bot's username, got " + describe(b->node));
            c.bot = (*s)[0] == '@' ? s->substr(1) : *s;
        }
    n.commands = std::move(c);
}

void parse_telegram(Diagnostics &d, const Value &v, Notify &n)
{
    MapReader m(d, v, {"api_base", "token_file", "token_env", "chats", "spool", "queue_limit", "timeout",
                       "disable_notification", "commands"});
    if (!m.ok())
        return;
    if (const Value *a = m.get("api_base"))
        if (auto s = read_string(d, *a)) {
            if (s->rfind("https://", 0) != 0 && s->rfind("http://", 0) != 0)
                d.error(a->at, a->path + ": expected an http:// or https:// URL, got " + describe(a->node));
            else if (s->find_first_of(" \t\n?#") != std::string::npos)
                d.error(a->at, a->path + ": expected a base URL without spaces, query or fragment, got " +
                                   describe(a->node));
            while (s->size() > 8 && s->back() == '/')
                s->pop_back();
            n.api_base = *s;
        }
    const Value *file = m.get("token_file"), *env = m.get("token_env");
    if (file && env)
        d.error(env->at, env->path + ": give token_file or token_env, not both");
    if (!file && !env)
        d.error(m.at(), m.path() + ": missing key 'token_file' or 'token_env' (where the bot token is; never the "
                                   "token itself)");
    if (file) {
        n.token_where = file->at;
        if (auto s = read_string(d, *file)) {
            if ((*s)[0] != '/')
                d.error(file->at, file->path + ": expected an absolute path, got " + describe(file->node));
            n.token_file = *s;
        }
    } else if (env) {
        n.token_where = env->at;
        if (auto s = read_string(d, *env)) {
            static const std::regex kEnv("[A-Za-z_][A-Za-z0-9_]*");
            if (!std::regex_match(*s, kEnv))
                d.error(env->at, env->path + ": expected an environment variable name, got " + describe(env->node));
            n.token_env = *s;
        }
    }
    if (const Value *c = m.require("chats", "(who gets the alerts)"))
        for (const auto &item : read_items(d, *c, "expected at least one chat"))
            parse_chat(d, item, n);
    if (const Value *s = m.get("spool"))
        if (auto p = read_string(d, *s)) {
            if ((*p)[0] != '/')
                d.error(s->at, s->path + ": expected an absolute path, got " + describe(s->node));
            n.spool = *p;
        }
    if (const Value *q = m.get("queue_limit"))
        if (auto v = read_uint(d, *q, 10, 100000))
            n.queue_limit = static_cast<uint32_t>(*v);
    if (const Value *t = m.get("timeout"))
        if (auto ms = read_millis(d, *t, std::chrono::milliseconds(500), std::chrono::milliseconds(120000)))
            n.timeout = *ms;
    if (const Value *k = m.get("disable_notification"))
        for (const auto &item : read_items(d, *k, nullptr)) {
            auto s = read_string(d, item);
            if (!s)
                continue;
            if (!notify::kind_from_name(*s)) {
                std::vector<std::string> names;
                for (auto kind : notify::all_kinds())
                    names.push_back(notify::kind_name(kind));
                d.error(item.at, item.path + ": expected one of " + join(names) + ", got " + describe(item.node));
                continue;
            }
            n.disable_notification.push_back(*s);
        }
    if (const Value *c = m.get("commands"))
        parse_commands(d, *c, n);
}

void parse_templates(Diagnostics &d, const Value &v, Notify &n)
{
    std::vector<std::string> names;
    for (auto kind : notify::all_kinds())
        names.push_back(notify::kind_name(kind));
    MapReader m(d, v, names);
    if (!m.ok())
        return;
    for (auto kind : notify::all_kinds()) {
        const Value *t = m.get(notify::kind_name(kind));
        if (!t)
            continue;
        auto s = read_string(d, *t);
        if (!s)
            continue;
        if (auto r = notify::check_template(kind, *s); !r) {
            d.error(t->at, t->path + ": " + r.error().message);
            continue;
        }
        n.templates[notify::kind_name(kind)] = *s;
    }
}

} // namespace

void parse_notify(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    MapReader m(d, *in.value, {"telegram", "templates"});
    if (!m.ok())
        return;
    Notify n;
    n.where = m.at();
    if (const Value *t = m.require("telegram", "(the only sink for now)"))
        parse_telegram(d, *t, n);
    if (const Value *t = m.get("templates"))
        parse_templates(d, *t, n);
    cfg.notify = std::move(n);
}

} // namespace jalur::config
