// SPDX-License-Identifier: GPL-2.0-only
#include "notify/spool.h"

#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

namespace fs = std::filesystem;

namespace jalur::notify {

namespace {

constexpr const char *kMagic = "jalur-alert 1";

uint32_t crc32(std::string_view s)
{
    static const auto table = [] {
        std::array<uint32_t, 256> t{};
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        return t;
    }();
    uint32_t c = 0xffffffffu;
    for (unsigned char b : s)
        c = table[(c ^ b) & 0xff] ^ (c >> 8);
    return c ^ 0xffffffffu;
}

std::string hex32(uint32_t v)
{
    char b[9];
    std::snprintf(b, sizeof(b), "%08x", v);
    return b;
}

// One value per line: newlines and '%' are percent-encoded.
std::string encode_value(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (c == '%')
            out += "%25";
        else if (c == '\n')
            out += "%0A";
        else if (c == '\r')
            out += "%0D";
        else
            out += c;
    }
    return out;
}

std::string decode_value(std::string_view s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); i++) {
        if (s[i] == '%' && i + 2 < s.size()) {
            auto h = s.substr(i + 1, 2);
            out += h == "25" ? '%' : h == "0A" ? '\n' : h == "0D" ? '\r' : '?';
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string errno_text() { return std::strerror(errno); }

Result<void> fsync_dir(const std::string &dir)
{
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd || ::fsync(fd.get()) != 0)
        return errorf("spool " + dir + ": fsync of the directory: " + errno_text());
    return {};
}

Result<void> write_all(int fd, std::string_view s, const std::string &what)
{
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return errorf(what + ": write: " + errno_text());
        s.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

std::optional<std::string> read_file(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// "00000000000000000042.alert" -> 42
std::optional<uint64_t> seq_of(const std::string &name, const std::string &suffix)
{
    if (name.size() != 20 + suffix.size() || name.compare(20, std::string::npos, suffix) != 0)
        return std::nullopt;
    uint64_t v = 0;
    for (size_t i = 0; i < 20; i++) {
        if (name[i] < '0' || name[i] > '9')
            return std::nullopt;
        v = v * 10 + static_cast<uint64_t>(name[i] - '0');
    }
    return v;
}

std::string sent_line(const std::string &chat, size_t part)
{
    std::string body = "done " + encode_value(chat) + " " + std::to_string(part);
    return body + " " + hex32(crc32(body)) + "\n";
}

} // namespace

std::string encode_entry(const SpoolEntry &e)
{
    std::string s = std::string(kMagic) + "\n";
    s += "seq " + std::to_string(e.seq) + "\n";
    s += "kind " + encode_value(e.kind) + "\n";
    s += "time " + std::to_string(e.time_unix) + "\n";
    s += "created " + std::to_string(e.created_unix) + "\n";
    s += std::string("silent ") + (e.silent ? "1" : "0") + "\n";
    for (const auto &p : e.parts)
        s += "part " + encode_value(p) + "\n";
    return s + "end " + hex32(crc32(s)) + "\n";
}

Result<SpoolEntry> decode_entry(const std::string &text)
{
    size_t end = text.rfind("end ");
    if (text.rfind(std::string(kMagic) + "\n", 0) != 0)
        return errorf("not a jalur alert (no '" + std::string(kMagic) + "' header)");
    if (end == std::string::npos || (end > 0 && text[end - 1] != '\n') || text.size() != end + 4 + 8 + 1 ||
        text.back() != '\n')
        return errorf("torn: the 'end' line is missing (a write cut short)");
    if (text.compare(end + 4, 8, hex32(crc32(std::string_view(text).substr(0, end)))) != 0)
        return errorf("checksum mismatch: the content changed after it was written");
    SpoolEntry e;
    std::istringstream in(text.substr(0, end));
    std::string line;
    std::getline(in, line); // the header
    bool seq_seen = false;
    while (std::getline(in, line)) {
        auto sp = line.find(' ');
        std::string key = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
        try {
            if (key == "seq")
                e.seq = std::stoull(value), seq_seen = true;
            else if (key == "kind")
                e.kind = decode_value(value);
            else if (key == "time")
                e.time_unix = std::stoll(value);
            else if (key == "created")
                e.created_unix = std::stoll(value);
            else if (key == "silent")
                e.silent = value == "1";
            else if (key == "part")
                e.parts.push_back(decode_value(value));
        } catch (const std::exception &) {
            return errorf("bad value in line '" + key + "'");
        }
    }
    if (!seq_seen || e.parts.empty())
        return errorf("incomplete: no sequence number or no message");
    return e;
}

std::string Spool::path(uint64_t seq, const char *suffix) const
{
    char name[40];
    std::snprintf(name, sizeof(name), "%020llu%s", static_cast<unsigned long long>(seq), suffix);
    return dir_ + "/" + name;
}

Result<Spool> Spool::open(const std::string &dir, std::vector<std::string> &problems)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return errorf("spool " + dir + ": cannot create it: " + ec.message());
    // alerts name hosts and addresses of the site: not for other users
    ::chmod(dir.c_str(), 0700);
    if (::access(dir.c_str(), W_OK) != 0)
        return errorf("spool " + dir + ": not writable: " + errno_text());

    Spool s(dir);
    std::map<uint64_t, std::string> sent_logs;
    for (const auto &de : fs::directory_iterator(dir, ec)) {
        std::string name = de.path().filename().string();
        std::string p = de.path().string();
        if (name.rfind(".tmp-", 0) == 0) { // never renamed: its add() did not return
            fs::remove(p, ec);
            continue;
        }
        if (auto seq = seq_of(name, ".alert")) {
            auto text = read_file(p);
            auto e = text ? decode_entry(*text) : Result<SpoolEntry>(errorf("unreadable"));
            if (e && e->seq != *seq)
                e = errorf("its sequence number " + std::to_string(e->seq) + " does not match its name");
            if (!e) {
                fs::rename(p, p + ".corrupt", ec);
                problems.push_back("spool: " + p + ": " + e.error().message + "; skipped, kept as " + name +
                                   ".corrupt");
                s.next_seq_ = std::max(s.next_seq_, *seq + 1);
                continue;
            }
            s.next_seq_ = std::max(s.next_seq_, *seq + 1);
            s.entries_[*seq] = std::move(e).value();
        } else if (auto sseq = seq_of(name, ".sent")) {
            sent_logs[*sseq] = p;
        }
    }
    if (ec)
        return errorf("spool " + dir + ": cannot list it: " + ec.message());
    for (const auto &[seq, p] : sent_logs) {
        auto it = s.entries_.find(seq);
        if (it == s.entries_.end()) { // its alert was removed, or set aside
            if (!fs::exists(s.path(seq, ".alert.corrupt")))
                fs::remove(p, ec);
            continue;
        }
        std::istringstream in(read_file(p).value_or(""));
        std::string line;
        size_t bad = 0;
        while (std::getline(in, line)) {
            // "done CHAT PART CRC"; a torn last line fails its checksum
            auto crc_at = line.rfind(' ');
            if (crc_at == std::string::npos || line.substr(crc_at + 1) != hex32(crc32(line.substr(0, crc_at)))) {
                bad++;
                continue;
            }
            std::istringstream f(line.substr(0, crc_at));
            std::string word, chat;
            size_t part = 0;
            if (f >> word >> chat >> part && word == "done")
                it->second.done.insert({decode_value(chat), part});
        }
        if (bad)
            problems.push_back("spool: " + p + ": " + std::to_string(bad) +
                               " torn line(s) ignored (those chats may get that alert again)");
    }
    if (auto d = s.load_state("dropped"); !d.empty())
        s.dropped_ = std::strtoull(d.c_str(), nullptr, 10);
    return s;
}

Result<void> Spool::write_atomic(const std::string &final_path, const std::string &text)
{
    std::string tmp = dir_ + "/.tmp-" + fs::path(final_path).filename().string();
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd)
        return errorf("spool " + tmp + ": " + errno_text());
    // a half-written temporary (a full disk) is not left to fill it further
    auto fail = [&](Error e) {
        ::unlink(tmp.c_str());
        return e;
    };
    if (auto r = write_all(fd.get(), text, "spool " + tmp); !r)
        return fail(r.error());
    if (::fsync(fd.get()) != 0)
        return fail(errorf("spool " + tmp + ": fsync: " + errno_text()));
    fd.reset();
    if (::rename(tmp.c_str(), final_path.c_str()) != 0)
        return fail(errorf("spool " + final_path + ": rename: " + errno_text()));
    return fsync_dir(dir_);
}

uint64_t Spool::add(SpoolEntry e)
{
    e.seq = next_seq_++;
    e.done.clear();
    e.unspooled = false;
    if (auto r = write_atomic(path(e.seq, ".alert"), encode_entry(e)); !r) {
        write_error_ = r.error().message;
        e.unspooled = true;
        unspooled_++;
    }
    uint64_t seq = e.seq;
    entries_[seq] = std::move(e);
    if (unspooled_ > kMaxUnspooled)
        for (auto it = entries_.begin(); it != entries_.end(); ++it)
            if (it->second.unspooled) {
                entries_.erase(it);
                unspooled_--;
                lost_++;
                break;
            }
    return seq;
}

bool Spool::retry_unspooled()
{
    for (auto &[seq, e] : entries_) {
        if (!e.unspooled)
            continue;
        // its progress too: a chat that has it must not get it again after a restart
        std::string sent;
        for (const auto &[chat, part] : e.done)
            sent += sent_line(chat, part);
        auto r = write_atomic(path(seq, ".alert"), encode_entry(e));
        if (r && !sent.empty())
            r = write_atomic(path(seq, ".sent"), sent);
        if (!r) {
            write_error_ = r.error().message;
            return false;
        }
        e.unspooled = false;
        unspooled_--;
    }
    return true;
}

Result<void> Spool::mark_done(uint64_t seq, const std::string &chat, size_t part)
{
    auto it = entries_.find(seq);
    if (it == entries_.end())
        return errorf("spool: no alert " + std::to_string(seq));
    // in memory first: a disk that fails here must not make the worker send
    // the same message again and again
    it->second.done.insert({chat, part});
    if (it->second.unspooled)
        return {}; // retry_unspooled() writes its progress with it
    std::string p = path(seq, ".sent");
    bool fresh = !fs::exists(p);
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
    if (!fd)
        return errorf("spool " + p + ": " + errno_text());
    if (auto r = write_all(fd.get(), sent_line(chat, part), "spool " + p); !r)
        return r;
    if (::fsync(fd.get()) != 0)
        return errorf("spool " + p + ": fsync: " + errno_text());
    return fresh ? fsync_dir(dir_) : Result<void>();
}

Result<void> Spool::remove(uint64_t seq)
{
    if (auto it = entries_.find(seq); it != entries_.end() && it->second.unspooled) {
        entries_.erase(it);
        unspooled_--;
        return {};
    }
    // the alert first: a ".sent" left alone by a crash is cleaned up by open()
    if (::unlink(path(seq, ".alert").c_str()) != 0 && errno != ENOENT)
        return errorf("spool " + path(seq, ".alert") + ": unlink: " + errno_text());
    ::unlink(path(seq, ".sent").c_str());
    entries_.erase(seq);
    return fsync_dir(dir_);
}

Result<void> Spool::set_dropped(uint64_t n)
{
    if (auto r = save_state("dropped", std::to_string(n)); !r)
        return r;
    dropped_ = n;
    return {};
}

std::string Spool::load_state(const std::string &name) const
{
    return read_file(dir_ + "/" + name).value_or("");
}

Result<void> Spool::save_state(const std::string &name, const std::string &text)
{
    return write_atomic(dir_ + "/" + name, text);
}

} // namespace jalur::notify
