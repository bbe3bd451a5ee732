// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/pin_swap.h"

#include "datapath/ledger.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <utility>
#include <vector>

namespace jalur::datapath {

namespace {

std::string layout_key(const std::string &map) { return "layout:" + map; }
std::string pending(const std::string &path) { return path + ":pending"; }

bool per_cpu(uint32_t type)
{
    return type == BPF_MAP_TYPE_PERCPU_ARRAY || type == BPF_MAP_TYPE_PERCPU_HASH ||
           type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

// Every entry of `from` into `to` (same key and value layout); what does
// not fit a smaller map is dropped (arrays refuse it, LRUs evict).
uint64_t copy_entries(int from, int to, const bpf_map_info &info)
{
    int cpus = libbpf_num_possible_cpus();
    size_t value_size = per_cpu(info.type) ? ((info.value_size + 7) / 8 * 8) * static_cast<size_t>(cpus > 0 ? cpus : 1)
                                           : info.value_size;
    std::vector<unsigned char> key(info.key_size), next(info.key_size), value(value_size);
    uint64_t copied = 0;
    void *prev = nullptr;
    for (uint32_t n = 0; n < info.max_entries; n++) { // bounded: a map holds at most that many
        if (bpf_map_get_next_key(from, prev, next.data()) != 0)
            break;
        key = next;
        prev = key.data();
        if (bpf_map_lookup_elem(from, key.data(), value.data()) == 0 &&
            bpf_map_update_elem(to, key.data(), value.data(), BPF_ANY) == 0)
            copied++;
    }
    return copied;
}

} // namespace

Result<PinSwap> PinSwap::prepare(bpf_object *obj, const Ledger &ledger)
{
    PinSwap swap(obj, ledger);
    const btf *btf = bpf_object__btf(obj);
    bpf_map *m;
    bpf_object__for_each_map(m, obj)
    {
        const char *pin = bpf_map__pin_path(m);
        if (!pin)
            continue;
        std::string path = pin, name = bpf_map__name(m);
        int fd = bpf_obj_get(path.c_str());
        if (fd < 0) {
            if (errno == ENOENT)
                continue; // new: the load creates it
            return sys_error("cannot open the pinned map " + path, errno);
        }
        UniqueFd old(fd);
        bpf_map_info info{};
        uint32_t len = sizeof(info);
        if (bpf_obj_get_info_by_fd(fd, &info, &len) != 0)
            return sys_error("cannot read what the pinned map " + path + " is", errno);
        MapShape pinned{info.type, info.key_size, info.value_size, info.max_entries, info.map_flags,
                        ledger.get(layout_key(name)).value_or(0)};
        MapShape wanted{bpf_map__type(m), bpf_map__key_size(m), bpf_map__value_size(m), bpf_map__max_entries(m),
                        bpf_map__map_flags(m), layout_of(btf, m)};
        PinAction action = decide(pinned, wanted);
        if (action == PinAction::Reuse) {
            swap.report_.adopted.push_back(name);
            continue;
        }
        if (std::rename(path.c_str(), pending(path).c_str()) != 0)
            return sys_error("cannot move the pinned map " + path + " aside", errno);
        swap.aside_.push_back({name, path, std::move(old), action, describe_change(pinned, wanted)});
    }
    return swap;
}

PinReport PinSwap::commit()
{
    for (auto &a : aside_) {
        PinChange c{a.map, a.why, a.action == PinAction::Copy, 0};
        bpf_map *fresh = bpf_object__find_map_by_name(obj_, a.map.c_str());
        bpf_map_info info{};
        uint32_t len = sizeof(info);
        if (c.copied && fresh && bpf_obj_get_info_by_fd(a.old.get(), &info, &len) == 0)
            c.entries = copy_entries(a.old.get(), bpf_map__fd(fresh), info);
        unlink(pending(a.path).c_str());
        report_.replaced.push_back(std::move(c));
    }
    aside_.clear();
    const btf *btf = bpf_object__btf(obj_);
    bpf_map *m;
    bpf_object__for_each_map(m, obj_)
    {
        if (bpf_map__pin_path(m))
            (void)ledger_->set(layout_key(bpf_map__name(m)), layout_of(btf, m));
    }
    done_ = true;
    return report_;
}

void PinSwap::restore()
{
    // a failed load unpinned the maps it had pinned: the names are free
    for (auto &a : aside_)
        std::rename(pending(a.path).c_str(), a.path.c_str());
    aside_.clear();
}

PinSwap::PinSwap(PinSwap &&o) noexcept
    : obj_(o.obj_), ledger_(o.ledger_), aside_(std::move(o.aside_)), report_(std::move(o.report_)),
      done_(std::exchange(o.done_, true))
{
}

PinSwap::~PinSwap()
{
    if (!done_)
        restore();
}

} // namespace jalur::datapath
