// SPDX-License-Identifier: GPL-2.0-only
#include "common/prefix.h"

#include <catch2/catch.hpp>

using jalur::Prefix;

TEST_CASE("prefixes parse in both families, with host bits cleared")
{
    auto p = Prefix::parse("192.0.2.77/24");
    REQUIRE(p);
    CHECK(p->family == 4);
    CHECK(p->len == 24);
    CHECK(p->str() == "192.0.2.0/24");
    CHECK(Prefix::parse("2001:db8::1/32")->str() == "2001:db8::/32");
    CHECK(Prefix::parse("198.51.100.7")->len == 32);
    CHECK(Prefix::parse("2001:db8::7")->len == 128);
}

TEST_CASE("bad prefixes say what is wrong")
{
    CHECK_FALSE(Prefix::parse("192.0.2.0/33"));
    CHECK(Prefix::parse("192.0.2.0/33").error().message.find("0..32") != std::string::npos);
    CHECK_FALSE(Prefix::parse("2001:db8::/129"));
    CHECK_FALSE(Prefix::parse("192.0.2.0/"));
    CHECK_FALSE(Prefix::parse("192.0.2.0/2x"));
    CHECK(Prefix::parse("example.com").error().message.find("'example.com'") != std::string::npos);
}

TEST_CASE("containment respects family and length")
{
    auto net = Prefix::parse("198.51.0.0/16").value();
    CHECK(net.contains(Prefix::parse("198.51.100.0/24").value()));
    CHECK(net.contains(net));
    CHECK_FALSE(net.contains(Prefix::parse("198.0.0.0/8").value()));
    CHECK_FALSE(net.contains(Prefix::parse("198.52.0.0/24").value()));
    CHECK_FALSE(net.contains(Prefix::parse("::/0").value()));
    CHECK(Prefix::parse("0.0.0.0/0")->contains(net));
}
