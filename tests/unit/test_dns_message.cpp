// SPDX-License-Identifier: GPL-2.0-only
// The DNS probe's query and the header check of its answer.
#include "health/dns_message.h"

#include <catch2/catch.hpp>

using namespace jalur::health;

TEST_CASE("dns: a recursive A query, byte for byte")
{
    auto q = dns_query(0xbeef, "example.com");
    std::vector<uint8_t> want = {0xbe, 0xef, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7,   'e', 'x', 'a', 'm', 'p',
                                 'l',  'e',  3,    'c',  'o', 'm', 0, 0, 1, 0, 1};
    CHECK(q == want);
    // the root, and a trailing dot
    CHECK(dns_query(1, ".").size() == 12 + 1 + 4);
    CHECK(dns_query(1, "example.com.") == dns_query(1, "example.com"));
}

TEST_CASE("dns: only an answer to our query counts")
{
    auto q = dns_query(0x1234, "example.com");
    auto a = q;
    a[2] |= 0x80; // QR
    a[3] = 0x83;  // RA, NXDOMAIN
    CHECK(dns_answer_rcode(a.data(), a.size(), 0x1234) == 3);
    CHECK_FALSE(dns_answer_rcode(a.data(), a.size(), 0x1235)); // another id
    CHECK_FALSE(dns_answer_rcode(q.data(), q.size(), 0x1234)); // a query, not an answer
    CHECK_FALSE(dns_answer_rcode(a.data(), 11, 0x1234));       // shorter than a header
    a[3] = 0x82;
    CHECK(std::string(dns_rcode_name(*dns_answer_rcode(a.data(), a.size(), 0x1234))) == "SERVFAIL");
}
