// SPDX-License-Identifier: GPL-2.0-only
#include "datapath/layout.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

namespace jalur::datapath {

namespace {

// Bumped by hand only when a field keeps its name, size and place but its
// meaning changes: every map is then a layout change.
constexpr uint64_t kLayoutEpoch = 1;

struct Fnv {
    uint64_t h = 14695981039346656037ull;
    void add(const void *p, size_t n)
    {
        for (size_t i = 0; i < n; i++) {
            h ^= static_cast<const unsigned char *>(p)[i];
            h *= 1099511628211ull;
        }
    }
    void add(uint64_t v) { add(&v, sizeof v); }
    void add(const char *s) { add(s, s ? __builtin_strlen(s) + 1 : 0); }
};

// Depth-bounded: BTF may be cyclic through pointers, which maps do not hold.
void hash_type(Fnv &f, const btf *b, uint32_t id, int depth)
{
    f.add(id == 0 ? 0xffffu : 0u);
    const btf_type *t = id ? btf__type_by_id(b, id) : nullptr;
    if (!t || depth > 8)
        return;
    f.add(btf_kind(t));
    f.add(btf__name_by_offset(b, t->name_off));
    switch (btf_kind(t)) {
    case BTF_KIND_INT:
        f.add(t->size);
        f.add(*reinterpret_cast<const uint32_t *>(t + 1)); // encoding, offset, bits
        break;
    case BTF_KIND_ENUM:
    case BTF_KIND_FLOAT:
        f.add(t->size);
        break;
    case BTF_KIND_ARRAY: {
        const struct btf_array *a = btf_array(t);
        f.add(a->nelems);
        hash_type(f, b, a->type, depth + 1);
        break;
    }
    case BTF_KIND_STRUCT:
    case BTF_KIND_UNION: {
        f.add(t->size);
        const struct btf_member *m = btf_members(t);
        for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
            f.add(btf__name_by_offset(b, m->name_off));
            f.add(m->offset); // bit offset, and the bitfield size with kflag
            hash_type(f, b, m->type, depth + 1);
        }
        break;
    }
    case BTF_KIND_TYPEDEF:
    case BTF_KIND_CONST:
    case BTF_KIND_VOLATILE:
    case BTF_KIND_RESTRICT:
    case BTF_KIND_TYPE_TAG:
        hash_type(f, b, t->type, depth + 1);
        break;
    default: // pointers and functions are not map contents: their kind is enough
        break;
    }
}

} // namespace

PinAction decide(const MapShape &pinned, const MapShape &wanted)
{
    bool layout_differs = pinned.layout != 0 && pinned.layout != wanted.layout;
    if (pinned.type != wanted.type || pinned.key_size != wanted.key_size || pinned.value_size != wanted.value_size ||
        layout_differs)
        return PinAction::Recreate;
    if (pinned.max_entries != wanted.max_entries || pinned.flags != wanted.flags)
        return PinAction::Copy;
    return PinAction::Reuse;
}

std::string describe_change(const MapShape &pinned, const MapShape &wanted)
{
    std::string out;
    auto field = [&](const char *what, uint64_t from, uint64_t to) {
        if (from != to)
            out += (out.empty() ? "" : ", ") + std::string(what) + " " + std::to_string(from) + " -> " +
                   std::to_string(to);
    };
    field("type", pinned.type, wanted.type);
    field("key size", pinned.key_size, wanted.key_size);
    field("value size", pinned.value_size, wanted.value_size);
    field("max entries", pinned.max_entries, wanted.max_entries);
    field("flags", pinned.flags, wanted.flags);
    if (pinned.layout != 0 && pinned.layout != wanted.layout)
        out += (out.empty() ? "" : ", ") + std::string("layout of its fields changed");
    return out.empty() ? "unchanged" : out;
}

uint64_t layout_of(const btf *btf, const bpf_map *map)
{
    Fnv f;
    f.add(kLayoutEpoch);
    if (btf) {
        hash_type(f, btf, bpf_map__btf_key_type_id(map), 0);
        hash_type(f, btf, bpf_map__btf_value_type_id(map), 0);
    }
    uint64_t h = f.h;
    return h == 0 ? 1 : h; // 0 means "not known"
}

} // namespace jalur::datapath
