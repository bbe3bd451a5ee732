// SPDX-License-Identifier: GPL-2.0-only
// A probe target as written in `health.targets`:
//   gateway, gateway6                  ICMP echo to the WAN's own gateway
//   192.0.2.1, 2001:db8::1             ICMP echo (v4 or v6)
//   tcp://198.51.100.7:443             a TCP connect ([v6]:port for IPv6)
//   http://198.51.100.7:8080/health    an HTTP GET; https:// too
//   dns://198.51.100.53/example.com    a DNS query (type A), port 53 unless given
// Addresses are literal: a probe must not depend on a resolver reached
// through some other WAN. An https URL may name a host for TLS when the map
// form gives its address: {target: https://example.com/, address: 203.0.113.7}.
#pragma once

#include "common/result.h"
#include "config/model.h"

#include <string>

namespace jalur::config {

Result<ProbeTarget> parse_probe_target(const std::string &text);

} // namespace jalur::config
