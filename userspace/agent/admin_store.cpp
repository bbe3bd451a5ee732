// SPDX-License-Identifier: GPL-2.0-only
#include "agent/admin_store.h"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace jalur::agent {

namespace {

constexpr size_t kMaxText = 200;
constexpr int64_t kMaxDuration = 30 * 24 * 3600;

std::optional<int64_t> to_int(std::string_view s)
{
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
        return std::nullopt;
    return v;
}

std::vector<std::string_view> split_tabs(std::string_view line)
{
    std::vector<std::string_view> out;
    size_t start = 0;
    for (;;) {
        auto tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
        if (tab == std::string_view::npos)
            return out;
        start = tab + 1;
    }
}

} // namespace

const char *admin_name(control::Admin a)
{
    switch (a) {
    case control::Admin::Enabled:
        return "enabled";
    case control::Admin::Drain:
        return "drain";
    case control::Admin::Disabled:
        return "disabled";
    }
    return "?";
}

std::optional<control::Admin> admin_from(std::string_view name)
{
    for (auto a : {control::Admin::Enabled, control::Admin::Drain, control::Admin::Disabled})
        if (name == admin_name(a))
            return a;
    return std::nullopt;
}

Result<std::chrono::seconds> parse_admin_duration(std::string_view text)
{
    auto bad = [&] {
        return errorf("expected a duration like 90s, 30m, 2h or 1d (at most 30d), got '" +
                          std::string(text) + "'",
                      ErrorKind::Invalid);
    };
    if (text.empty())
        return bad();
    int64_t unit = 1;
    std::string_view digits = text;
    switch (text.back()) {
    case 's':
        digits.remove_suffix(1);
        break;
    case 'm':
        unit = 60, digits.remove_suffix(1);
        break;
    case 'h':
        unit = 3600, digits.remove_suffix(1);
        break;
    case 'd':
        unit = 86400, digits.remove_suffix(1);
        break;
    default:
        break;
    }
    auto n = to_int(digits);
    if (!n || *n <= 0 || *n > kMaxDuration / unit)
        return bad();
    return std::chrono::seconds(*n * unit);
}

std::string admin_text(std::string_view s)
{
    std::string out(s);
    for (auto &c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    if (out.size() <= kMaxText)
        return out;
    size_t cut = kMaxText;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
        --cut;
    out.resize(cut);
    return out;
}

std::string AdminStore::serialize(const std::map<std::string, AdminEntry> &entries)
{
    std::string out = "# jalur: administrative WAN state (jalur wan drain|disable|enable); one WAN a line:\n"
                      "# name, state, since, until (Unix seconds, 0: until undone), by, reason; tab-separated\n";
    for (const auto &[name, e] : entries)
        out += name + "\t" + admin_name(e.state) + "\t" + std::to_string(e.since_unix) + "\t" +
               std::to_string(e.until_unix) + "\t" + admin_text(e.by) + "\t" + admin_text(e.reason) + "\n";
    return out;
}

std::map<std::string, AdminEntry> AdminStore::parse(std::string_view text, std::vector<std::string> *skipped)
{
    std::map<std::string, AdminEntry> out;
    size_t lineno = 0;
    while (!text.empty() && out.size() < kMaxWans) {
        auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        lineno++;
        if (line.empty() || line[0] == '#')
            continue;
        auto f = split_tabs(line);
        auto state = f.size() == 6 ? admin_from(f[1]) : std::nullopt;
        auto since = f.size() == 6 ? to_int(f[2]) : std::nullopt;
        auto until = f.size() == 6 ? to_int(f[3]) : std::nullopt;
        if (!state || *state == control::Admin::Enabled || !since || !until || f[0].empty()) {
            if (skipped)
                skipped->push_back("line " + std::to_string(lineno) + ": not 'name state since until by reason'");
            continue;
        }
        out[std::string(f[0])] = AdminEntry{*state, admin_text(f[4]), admin_text(f[5]), *since, *until};
    }
    return out;
}

AdminStore AdminStore::load(const std::string &state_dir, std::vector<std::string> *skipped)
{
    AdminStore s;
    s.file_ = state_dir + "/wan-admin";
    std::ifstream in(s.file_);
    if (!in)
        return s;
    std::string text;
    char buf[4096];
    // bounded: the file is ours, but a disk is not
    while (text.size() < (1u << 20) && in.read(buf, sizeof(buf)).gcount() > 0)
        text.append(buf, static_cast<size_t>(in.gcount()));
    s.entries_ = parse(text, skipped);
    return s;
}

const AdminEntry *AdminStore::find(const std::string &wan) const
{
    auto it = entries_.find(wan);
    return it == entries_.end() ? nullptr : &it->second;
}

Result<void> AdminStore::set(const std::string &wan, const AdminEntry &e)
{
    entries_[wan] = e;
    return save();
}

Result<void> AdminStore::clear(const std::string &wan)
{
    if (!entries_.erase(wan))
        return {};
    return save();
}

Result<void> AdminStore::keep_only(const std::set<std::string> &wans)
{
    bool changed = std::erase_if(entries_, [&](const auto &kv) { return !wans.count(kv.first); }) > 0;
    return changed ? save() : Result<void>{};
}

std::vector<std::string> AdminStore::expired(int64_t now_unix) const
{
    std::vector<std::string> out;
    for (const auto &[name, e] : entries_)
        if (e.until_unix != 0 && e.until_unix <= now_unix)
            out.push_back(name);
    return out;
}

std::optional<int64_t> AdminStore::next_expiry() const
{
    std::optional<int64_t> next;
    for (const auto &[_, e] : entries_)
        if (e.until_unix != 0 && (!next || e.until_unix < *next))
            next = e.until_unix;
    return next;
}

Result<void> AdminStore::save() const
{
    if (file_.empty())
        return {}; // a store that was never loaded (the tests): memory only
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file_).parent_path(), ec);
    std::string tmp = file_ + ".tmp";
    std::FILE *f = std::fopen(tmp.c_str(), "we");
    if (!f)
        return sys_error("cannot write " + tmp, errno);
    std::string text = serialize(entries_);
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size() && std::fflush(f) == 0 &&
              fsync(fileno(f)) == 0;
    int err = errno;
    if (std::fclose(f) != 0 && ok) {
        ok = false;
        err = errno;
    }
    if (!ok || std::rename(tmp.c_str(), file_.c_str()) != 0) {
        if (ok)
            err = errno;
        std::remove(tmp.c_str());
        return sys_error("cannot write " + file_, err);
    }
    return {};
}

} // namespace jalur::agent
