// SPDX-License-Identifier: GPL-2.0-only
#include "dhcp/event_text.h"

#include "jalur/datapath.h"

#include <arpa/inet.h>

#include <cstdio>

namespace jalur::dhcp {

namespace {

std::string ipv4_text(uint32_t be)
{
    char buf[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &be, buf, sizeof buf) ? buf : "";
}

std::string ipv6_text(const uint32_t *addr)
{
    char buf[INET6_ADDRSTRLEN];
    return inet_ntop(AF_INET6, addr, buf, sizeof buf) ? buf : "";
}

// Why the header chain could not be walked (bpf/parsing.h, chain_stop).
std::string chain_text(uint32_t flags)
{
    if (flags & JALUR_DHCP_EV_CHAIN_DEPTH)
        return ", too many extension headers";
    if (flags & JALUR_DHCP_EV_CHAIN_LENGTH)
        return ", headers past 64 KiB";
    if (flags & JALUR_DHCP_EV_CHAIN_TRUNCATED)
        return ", a header cut short";
    return "";
}

} // namespace

std::string mac_text(const uint8_t *m)
{
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

std::string message_name(const jalur_dhcp_event &ev)
{
    switch (ev.kind) {
    case JALUR_DHCP_V4:
        switch (ev.msg_type) {
        case 2: return "OFFER";
        case 5: return "ACK";
        case 6: return "NAK";
        case 0: return "BOOTP reply";
        default: return "DHCP type " + std::to_string(ev.msg_type);
        }
    case JALUR_DHCP_V6:
        switch (ev.msg_type) {
        case 2: return "ADVERTISE";
        case 7: return "REPLY";
        case 10: return "RECONFIGURE";
        case 13: return "RELAY-REPL";
        default: return "DHCPv6 type " + std::to_string(ev.msg_type);
        }
    case JALUR_DHCP_RA:
        return "router advertisement";
    case JALUR_DHCP_RA_UNPARSED:
        return "IPv6 packet hiding its headers (possible RA" + chain_text(ev.flags) + ")";
    case JALUR_DHCP_V6_UNPARSED:
        return "IPv6 packet hiding its headers (possible DHCPv6" + chain_text(ev.flags) + ")";
    default:
        return "unknown";
    }
}

Fields event_fields(const jalur_dhcp_event &ev, const std::string &port)
{
    Fields f;
    f["server_mac"] = mac_text(ev.server_mac);
    f["server_ip"] = ev.kind == JALUR_DHCP_V4 ? ipv4_text(ev.src_addr[0]) : ipv6_text(ev.src_addr);
    f["message"] = message_name(ev);
    f["port"] = port;
    f["vlan"] = ev.vlan ? std::to_string(ev.vlan) : "";
    f["dropped"] = (ev.flags & JALUR_DHCP_EV_DROPPED) ? "yes" : "no";
    if (ev.kind == JALUR_DHCP_V4) {
        f["server_id"] = ev.server_id ? ipv4_text(ev.server_id) : "";
        f["offered"] = ev.yiaddr ? ipv4_text(ev.yiaddr) : "";
        f["relay"] = ev.giaddr ? ipv4_text(ev.giaddr) : "";
        f["client_mac"] = mac_text(ev.client_mac);
    }
    char xid[16];
    std::snprintf(xid, sizeof xid, "0x%08x", ntohl(ev.xid));
    f["xid"] = ev.kind == JALUR_DHCP_V6 ? std::to_string(ev.xid) : std::string(xid);
    return f;
}

std::string event_line(const Fields &f)
{
    auto get = [&](const char *k) {
        auto it = f.find(k);
        return it == f.end() ? std::string() : it->second;
    };
    std::string s = "rogue DHCP server " + get("server_mac") + " (" + get("server_ip");
    if (!get("server_id").empty() && get("server_id") != get("server_ip"))
        s += ", server id " + get("server_id");
    s += ") on " + get("port");
    if (!get("vlan").empty())
        s += " vlan " + get("vlan");
    s += ": " + get("message");
    if (!get("offered").empty())
        s += " of " + get("offered");
    if (!get("client_mac").empty())
        s += " to " + get("client_mac");
    if (!get("relay").empty())
        s += " via relay " + get("relay");
    if (get("dropped") == "yes")
        s += "; dropped";
    return s;
}

} // namespace jalur::dhcp
