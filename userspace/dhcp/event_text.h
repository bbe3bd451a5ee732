// SPDX-License-Identifier: GPL-2.0-only
// A rogue-DHCP ring-buffer event in words: the fields an alert template
// uses (server_mac, server_ip, ...) and one log line.
#pragma once

#include "jalur/dhcp_guard.h"

#include <map>
#include <string>

namespace jalur::dhcp {

using Fields = std::map<std::string, std::string>;

std::string mac_text(const uint8_t *mac);
std::string message_name(const jalur_dhcp_event &ev); // OFFER, ACK, ADVERTISE, RA, ...

// port: the interface name the event came in on.
Fields event_fields(const jalur_dhcp_event &ev, const std::string &port);
std::string event_line(const Fields &f);

} // namespace jalur::dhcp
