// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/bpffs.h"

#include "datapath/datapath.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace jalur::datapath {

namespace {

constexpr const char *kCreated = "pindir:created";
constexpr const char *kMounted = "pindir:mounted";

// Only the ledger left: the pins are gone (unpinned at a stop, or never
// made). Pins left behind (a failed start that adopted a kept data path)
// keep their ledger, directory and mount.
bool only_the_ledger(const std::string &path)
{
    std::error_code ec;
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename() != Ledger::kPinName)
            return false;
    return !ec;
}

// The process holding an flock on the file or directory open as fd (from
// /proc/locks), 0 when none is found.
pid_t flock_holder(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 0;
    char id[64];
    std::snprintf(id, sizeof id, "%02x:%02x:%llu", major(st.st_dev), minor(st.st_dev),
                  static_cast<unsigned long long>(st.st_ino));
    // "1: FLOCK  ADVISORY  WRITE 1234 00:2d:5678 0 EOF"; waiters have "->"
    std::ifstream locks("/proc/locks");
    std::string line;
    while (std::getline(locks, line)) {
        std::istringstream in(line);
        std::string n, kind, mode, rw, dev;
        long pid = 0;
        if (in >> n >> kind >> mode >> rw >> pid >> dev && kind == "FLOCK" && dev == id)
            return static_cast<pid_t>(pid);
    }
    return 0;
}

} // namespace

bool is_bpffs(const std::string &path)
{
    struct statfs st;
    return statfs(path.c_str(), &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

Result<PinDir> PinDir::prepare(const std::string &path)
{
    std::error_code ec;
    bool created = false;
    if (!std::filesystem::exists(path, ec)) {
        std::filesystem::create_directories(path, ec);
        if (ec)
            return privilege_hint(sys_error("cannot create the pin directory " + path, ec.value()));
        created = true;
    }
    bool mounted = false;
    if (!is_bpffs(path)) { // not a bpffs itself, nor a directory inside one
        if (mount("bpf", path.c_str(), "bpf", 0, "mode=0700") != 0) {
            int err = errno;
            if (created)
                rmdir(path.c_str());
            return privilege_hint(sys_error("cannot mount a bpffs on " + path, err));
        }
        mounted = true;
    }
    PinDir dir(path, created, mounted); // from here its destructor undoes what was made

    int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return privilege_hint(sys_error("cannot open the pin directory " + path, errno));
    dir.lock_.reset(fd);
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        if (err != EWOULDBLOCK)
            return sys_error("cannot lock the pin directory " + path, err);
        pid_t holder = flock_holder(fd);
        return Error{"another jalur agent" + (holder ? " (pid " + std::to_string(holder) + ")" : std::string()) +
                         " runs with the pins in " + path + "; one agent per pin directory: stop it first",
                     err, ErrorKind::Busy};
    }

    auto ledger = Ledger::open(path);
    if (!ledger)
        return privilege_hint(ledger.error());
    dir.ledger_.emplace(std::move(ledger).value());
    // An agent that adopts the pins of one that was killed learns here that
    // the directory and its mount were jalur's, and removes them at its stop.
    for (auto [made, key] : {std::pair{&dir.created_, kCreated}, {&dir.mounted_, kMounted}}) {
        if (dir.ledger_->get(key))
            *made = true;
        else if (*made)
            if (auto r = dir.ledger_->set(key, 1); !r)
                return r.error();
    }
    return dir;
}

PinDir::PinDir(PinDir &&o) noexcept
    : path_(std::move(o.path_)), created_(std::exchange(o.created_, false)), mounted_(std::exchange(o.mounted_, false)),
      released_(std::exchange(o.released_, true)), lock_(std::move(o.lock_)), ledger_(std::move(o.ledger_))
{
    o.ledger_.reset();
}

void PinDir::undo()
{
    if (released_ || !only_the_ledger(path_))
        return;
    if (ledger_)
        ledger_->unpin();
    if (mounted_)
        umount2(path_.c_str(), MNT_DETACH);
    if (created_)
        rmdir(path_.c_str()); // fails, harmlessly, if pins are left in it
}

PinDir::~PinDir()
{
    undo(); // the lock goes last, with lock_
}

} // namespace jalur::datapath
