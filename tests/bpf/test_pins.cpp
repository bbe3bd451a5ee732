// SPDX-License-Identifier: GPL-2.0-only
// Pins survive: a load adopts the pinned maps it finds, replaces only a map
// whose layout changed (recreated) or whose capacity changed (migrated, its
// entries copied), and without the capabilities fails saying so with every
// pin as it was. One owner per pin directory. Each case in a bpffs of its
// own, mounted in a private mount namespace.
#include "datapath/bpffs.h"
#include "datapath/datapath.h"
#include "datapath/ledger.h"

#include <catch2/catch.hpp>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace jalur;
using namespace jalur::datapath;

namespace {

// A bpffs of this test's own, gone with its mount namespace at the latest.
struct TempBpffs {
    std::string dir;
    TempBpffs()
    {
        static bool private_ns = [] {
            return unshare(CLONE_NEWNS) == 0 && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0;
        }();
        REQUIRE(private_ns);
        char tmpl[] = "/tmp/jalur-pins-XXXXXX";
        REQUIRE(mkdtemp(tmpl));
        dir = tmpl;
        REQUIRE(mount("bpf", dir.c_str(), "bpf", 0, "mode=0700") == 0);
    }
    ~TempBpffs()
    {
        umount2(dir.c_str(), MNT_DETACH);
        rmdir(dir.c_str());
    }
    std::string pin(const std::string &name) const { return dir + "/" + name; }
};

Datapath load(const std::string &dir, uint32_t flows = JALUR_DEFAULT_FLOWS)
{
    LoadOptions opts;
    opts.pin_dir = dir;
    opts.sizes.flows = flows;
    auto dp = Datapath::load(opts);
    INFO((dp ? "" : dp.error().message));
    REQUIRE(dp);
    return std::move(dp).value();
}

bpf_map_info info_of(const std::string &path)
{
    int fd = bpf_obj_get(path.c_str());
    REQUIRE(fd >= 0);
    bpf_map_info info{};
    uint32_t len = sizeof(info);
    REQUIRE(bpf_obj_get_info_by_fd(fd, &info, &len) == 0);
    close(fd);
    return info;
}

ino_t inode_of(const std::string &path)
{
    struct stat st{};
    REQUIRE(stat(path.c_str(), &st) == 0);
    return st.st_ino;
}

// Replaces a pin by a map of the same type and key but another value size,
// as an older build with another struct would have left it.
void pin_other_layout(const std::string &path, uint32_t type, uint32_t key_size, uint32_t max_entries)
{
    REQUIRE(unlink(path.c_str()) == 0);
    int fd = bpf_map_create(static_cast<bpf_map_type>(type), "old", key_size, 8, max_entries, nullptr);
    REQUIRE(fd >= 0);
    REQUIRE(bpf_obj_pin(fd, path.c_str()) == 0);
    close(fd);
}

jalur_flow_key flow_key(int i)
{
    jalur_flow_key k{};
    k.saddr[0] = static_cast<uint32_t>(i);
    k.sport = 1000;
    k.family = 4;
    k.proto = 6;
    return k;
}

bool names(const std::vector<std::string> &v, const std::string &name)
{
    return std::find(v.begin(), v.end(), name) != v.end();
}

bool no_pending(const std::string &dir)
{
    for (const auto &e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().find(":pending") != std::string::npos)
            return false;
    return true;
}

} // namespace

TEST_CASE("a second load adopts every pinned map with its entries")
{
    TempBpffs fs;
    {
        auto dp = load(fs.dir);
        CHECK(dp.pins().adopted.empty());
        uint32_t ifindex = 7, wan = 3;
        REQUIRE(dp.wan_ifindex().update(&ifindex, &wan));
    }
    auto inode = inode_of(fs.pin("wan_ifindex"));
    auto dp = load(fs.dir);
    CHECK(dp.pins().replaced.empty());
    CHECK(names(dp.pins().adopted, "flows"));
    CHECK(names(dp.pins().adopted, "wan_ifindex"));
    uint32_t ifindex = 7, wan = 0;
    REQUIRE(dp.wan_ifindex().lookup(&ifindex, &wan));
    CHECK(wan == 3);
    CHECK(inode_of(fs.pin("wan_ifindex")) == inode);
}

TEST_CASE("a pinned map with another value size is recreated, and only it")
{
    TempBpffs fs;
    {
        auto dp = load(fs.dir);
        uint32_t ifindex = 7, wan = 3;
        REQUIRE(dp.wan_ifindex().update(&ifindex, &wan));
    }
    pin_other_layout(fs.pin("wans"), BPF_MAP_TYPE_ARRAY, 4, JALUR_MAX_WANS);

    auto dp = load(fs.dir);
    REQUIRE(dp.pins().replaced.size() == 1);
    const auto &c = dp.pins().replaced[0];
    CHECK(c.map == "wans");
    CHECK(c.why == "value size 8 -> " + std::to_string(sizeof(jalur_wan)));
    CHECK_FALSE(c.copied);
    CHECK(info_of(fs.pin("wans")).value_size == sizeof(jalur_wan));
    CHECK(no_pending(fs.dir));
    uint32_t ifindex = 7, wan = 0; // the others kept their entries
    REQUIRE(dp.wan_ifindex().lookup(&ifindex, &wan));
    CHECK(wan == 3);
}

TEST_CASE("a recorded layout that differs, with the same sizes, is a layout change")
{
    TempBpffs fs;
    { auto dp = load(fs.dir); }
    auto ledger = Ledger::open(fs.dir);
    REQUIRE(ledger);
    REQUIRE(ledger->get("layout:wans"));
    CHECK(ledger->get("layout:wans") != ledger->get("layout:flows")); // signatures of the BTF types, per map
    REQUIRE(ledger->set("layout:wans", 42)); // as a build whose struct jalur_wan had other fields

    auto dp = load(fs.dir);
    REQUIRE(dp.pins().replaced.size() == 1);
    CHECK(dp.pins().replaced[0].map == "wans");
    CHECK(dp.pins().replaced[0].why == "layout of its fields changed");
    CHECK(ledger->get("layout:wans") != std::optional<uint64_t>(42)); // recorded anew
}

TEST_CASE("a changed flow table size migrates the flows to a new map")
{
    TempBpffs fs;
    {
        auto dp = load(fs.dir, 1024);
        for (int i = 0; i < 10; i++) {
            auto k = flow_key(i);
            jalur_flow f{};
            f.wan = static_cast<uint32_t>(i % 2);
            REQUIRE(dp.flows().update(&k, &f));
        }
    }
    auto dp = load(fs.dir, 2048);
    REQUIRE(dp.pins().replaced.size() == 1);
    const auto &c = dp.pins().replaced[0];
    CHECK(c.map == "flows");
    CHECK(c.why == "max entries 1024 -> 2048");
    CHECK(c.copied);
    CHECK(c.entries == 10);
    CHECK(info_of(fs.pin("flows")).max_entries == 2048);
    auto k = flow_key(5);
    jalur_flow f{};
    REQUIRE(dp.flows().lookup(&k, &f));
    CHECK(f.wan == 1);
    CHECK(no_pending(fs.dir));
}

TEST_CASE("without CAP_BPF a load fails as a permission error and every pin stays, a changed one too")
{
    TempBpffs fs;
    { auto dp = load(fs.dir); }
    pin_other_layout(fs.pin("wans"), BPF_MAP_TYPE_ARRAY, 4, JALUR_MAX_WANS); // would be a layout change
    auto flows = inode_of(fs.pin("flows")), wans = inode_of(fs.pin("wans"));

    int pipefd[2];
    REQUIRE(pipe(pipefd) == 0);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        // drop what loading needs from the effective and permitted sets
        __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
        __user_cap_data_struct caps[2]{};
        bool ok = syscall(SYS_capget, &hdr, caps) == 0;
        for (int cap : {CAP_BPF, CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_PERFMON}) {
            caps[cap / 32].effective &= ~(1u << (cap % 32));
            caps[cap / 32].permitted &= ~(1u << (cap % 32));
        }
        ok = ok && syscall(SYS_capset, &hdr, caps) == 0;
        LoadOptions opts;
        opts.pin_dir = fs.dir;
        auto dp = Datapath::load(opts);
        std::string out = !ok ? "capset failed" : dp ? "loaded" : dp.error().message;
        out += dp || dp.error().kind != ErrorKind::Permission ? "|not a permission error" : "";
        (void)!write(pipefd[1], out.data(), out.size());
        _exit(0);
    }
    close(pipefd[1]);
    std::string said;
    char buf[512];
    for (ssize_t n; (n = read(pipefd[0], buf, sizeof buf)) > 0;)
        said.append(buf, static_cast<size_t>(n));
    close(pipefd[0]);
    int status = 0;
    waitpid(child, &status, 0);

    INFO(said);
    CHECK(said.rfind("needs CAP_BPF and CAP_NET_ADMIN (run as root): ", 0) == 0);
    CHECK(said.find("not a permission error") == std::string::npos);
    CHECK(inode_of(fs.pin("flows")) == flows);
    CHECK(inode_of(fs.pin("wans")) == wans);
    CHECK(info_of(fs.pin("wans")).value_size == 8);
    CHECK(no_pending(fs.dir));
}

TEST_CASE("a pin directory has one owner: a second is refused with the first one's pid")
{
    TempBpffs fs;
    auto dir = fs.pin("jalur");
    auto first = PinDir::prepare(dir);
    REQUIRE(first);
    auto second = PinDir::prepare(dir);
    REQUIRE_FALSE(second);
    CHECK(second.error().kind == ErrorKind::Busy);
    CHECK(second.error().message.find("(pid " + std::to_string(getpid()) + ")") != std::string::npos);
    CHECK(std::filesystem::exists(dir + "/" + Ledger::kPinName)); // the refused one removed nothing
}
