// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/bpffs.h"

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace jalur::datapath {

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
            return errorf("cannot create the pin directory " + path + ": " + ec.message());
        created = true;
    }
    if (is_bpffs(path)) // a bpffs itself, or a directory inside one
        return PinDir(path, created, false);
    if (mount("bpf", path.c_str(), "bpf", 0, "mode=0700") != 0) {
        int err = errno;
        if (created)
            rmdir(path.c_str());
        return errorf("cannot mount a bpffs on " + path + ": " + std::strerror(err));
    }
    return PinDir(path, created, true);
}

PinDir::PinDir(PinDir &&o) noexcept
    : path_(std::move(o.path_)), created_(std::exchange(o.created_, false)), mounted_(std::exchange(o.mounted_, false))
{
}

PinDir::~PinDir()
{
    if (mounted_)
        umount2(path_.c_str(), MNT_DETACH);
    if (created_)
        rmdir(path_.c_str()); // fails, harmlessly, if pins are left in it
}

} // namespace jalur::datapath
