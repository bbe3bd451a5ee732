// SPDX-License-Identifier: GPL-2.0-only
#include "agent/quota_store.h"

#include "common/unique_fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jalur::agent {

namespace {

// At most this much is read: the file is ours, but a disk is not.
constexpr std::streamsize kMaxFile = 1 << 20;

// The file's text; nullopt when it does not exist.
std::optional<std::string> read_text(const std::string &path, std::string &problem)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno != ENOENT)
            problem = path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    std::string text(kMaxFile, '\0');
    in.read(text.data(), kMaxFile);
    text.resize(static_cast<size_t>(in.gcount()));
    return text;
}

Result<void> write_all(int fd, const std::string &text)
{
    size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return sys_error("write", errno);
        done += static_cast<size_t>(n);
    }
    return {};
}

} // namespace

QuotaStore::QuotaStore(std::string state_dir) : dir_(std::move(state_dir)), file_(dir_ + "/quota-usage") {}

QuotaStore::Loaded QuotaStore::load() const
{
    Loaded out;
    std::string problem;
    auto text = read_text(file_, problem);
    if (text) {
        auto records = control::parse_quota_records(*text);
        if (records) {
            out.records = std::move(records).value();
            return out;
        }
        problem = file_ + ": " + records.error().message;
    } else if (problem.empty() && !std::filesystem::exists(file_ + ".prev")) {
        return out; // a first start
    } else if (problem.empty()) {
        problem = file_ + " is missing (a crash between two renames?)";
    }
    // the previous good file, one save older (at most a minute lost)
    std::string ignored;
    auto prev = read_text(file_ + ".prev", ignored);
    auto records = prev ? control::parse_quota_records(*prev) : Result<control::QuotaRecords>(errorf("none"));
    if (records) {
        out.records = std::move(records).value();
        out.problem = problem + "; read the previous file, " + file_ + ".prev";
    } else {
        out.problem = problem + "; no good previous file either: usage starts from zero";
    }
    return out;
}

Result<void> QuotaStore::save(const control::QuotaRecords &records)
{
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    std::string tmp = file_ + ".tmp";
    {
        UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640));
        if (!fd)
            return sys_error("open " + tmp, errno);
        if (auto r = write_all(fd.get(), control::format_quota_records(records)); !r)
            return Error{tmp + ": " + r.error().message, r.error().err, r.error().kind};
        if (::fsync(fd.get()) != 0) // the data before the name: a crash leaves the old file or the new one
            return sys_error("fsync " + tmp, errno);
    }
    // the good file becomes the previous one; a missing one (the first save) is fine
    if (::rename(file_.c_str(), (file_ + ".prev").c_str()) != 0 && errno != ENOENT)
        return sys_error("rename " + file_, errno);
    if (::rename(tmp.c_str(), file_.c_str()) != 0)
        return sys_error("rename " + tmp, errno);
    UniqueFd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir)
        ::fsync(dir.get()); // the renames themselves
    return {};
}

} // namespace jalur::agent
