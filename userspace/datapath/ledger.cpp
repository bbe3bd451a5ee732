// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/ledger.h"

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace jalur::datapath {

namespace {

constexpr uint32_t kMaxEntries = 1024; // a record per map and per clsact qdisc

using Key = std::array<char, Ledger::kKeySize>;

Key key_of(const std::string &s)
{
    Key k{};
    std::memcpy(k.data(), s.data(), std::min(s.size(), k.size() - 1));
    return k;
}

// 1: a ledger, 0: a pin of another shape, -errno: cannot tell (never a
// reason to remove it)
int is_ledger(int fd)
{
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
        return -errno;
    return info.type == BPF_MAP_TYPE_HASH && info.key_size == Ledger::kKeySize &&
           info.value_size == sizeof(uint64_t);
}

} // namespace

Result<Ledger> Ledger::open(const std::string &dir)
{
    std::string path = dir + "/" + kPinName;
    int fd = bpf_obj_get(path.c_str());
    if (fd >= 0) {
        UniqueFd pinned(fd);
        int is = is_ledger(fd);
        if (is < 0)
            return sys_error("cannot read what " + path + " is", -is);
        if (is)
            return Ledger(std::move(pinned), path);
        // not a ledger of this shape: the record is ours alone, start it anew
        if (unlink(path.c_str()) != 0)
            return sys_error("cannot replace " + path, errno);
    } else if (errno != ENOENT) {
        return sys_error("cannot open " + path, errno);
    }
    fd = bpf_map_create(BPF_MAP_TYPE_HASH, "jalur_ledger", kKeySize, sizeof(uint64_t), kMaxEntries, nullptr);
    if (fd < 0)
        return sys_error("cannot create the map " + path, errno);
    UniqueFd owned(fd);
    if (bpf_obj_pin(fd, path.c_str()) != 0)
        return sys_error("cannot pin " + path, errno);
    return Ledger(std::move(owned), path);
}

std::optional<uint64_t> Ledger::get(const std::string &key) const
{
    auto k = key_of(key);
    uint64_t v = 0;
    if (bpf_map_lookup_elem(fd_.get(), k.data(), &v) != 0)
        return std::nullopt;
    return v;
}

Result<void> Ledger::set(const std::string &key, uint64_t value) const
{
    auto k = key_of(key);
    if (bpf_map_update_elem(fd_.get(), k.data(), &value, BPF_ANY) != 0)
        return sys_error("cannot record " + key + " in " + path_, errno);
    return {};
}

void Ledger::erase(const std::string &key) const
{
    auto k = key_of(key);
    bpf_map_delete_elem(fd_.get(), k.data());
}

void Ledger::unpin() const
{
    unlink(path_.c_str());
}

} // namespace jalur::datapath
