// SPDX-License-Identifier: GPL-2.0-only
// The metrics endpoint: on by default, on loopback only (what it shows --
// WAN states, traffic, alerts -- is for the site's admin, not the LAN).
//   metrics: off
//   metrics: {listen: "127.0.0.1:9464", flow_count_interval: 10s, auth_file: /etc/jalur/dashboard.passwd}
#include "common/prefix.h"
#include "config/sections.h"

namespace jalur::config {

namespace {

// "127.0.0.1:9464", "[::1]:9464", "0.0.0.0:9464"
bool split_listen(const std::string &text, std::string &address, uint64_t &port)
{
    std::string host, port_text;
    if (!text.empty() && text[0] == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return false;
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
        auto p = Prefix::parse(host);
        if (!p || p->family != 6 || host.find('/') != std::string::npos)
            return false;
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos)
            return false;
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        auto p = Prefix::parse(host);
        if (!p || p->family != 4 || host.find('/') != std::string::npos)
            return false;
    }
    if (port_text.empty() || port_text.size() > 5 || port_text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    port = std::stoull(port_text);
    if (port > 65535)
        return false;
    address = host;
    return true;
}

} // namespace

void parse_metrics(Diagnostics &d, const SectionInput &in, Config &cfg)
{
    if (!in.value)
        return;
    cfg.metrics.where = in.value->at;
    if (in.value->node.IsScalar()) {
        if (in.value->node.Scalar() == "off")
            cfg.metrics.enabled = false;
        else
            d.error(in.value->at, "metrics: expected off or a map such as {listen: \"127.0.0.1:9464\"}, got " +
                                      describe(in.value->node));
        return;
    }
    MapReader m(d, *in.value, {"listen", "flow_count_interval", "auth_file"});
    if (!m.ok())
        return;
    if (auto v = m.get("listen"))
        if (auto s = read_string(d, *v)) {
            std::string address;
            uint64_t port = 0;
            if (!split_listen(*s, address, port))
                d.error(v->at, v->path + ": expected ADDRESS:PORT such as 127.0.0.1:9464 or [::1]:9464 (port "
                                         "0..65535), got " + describe(v->node));
            else {
                cfg.metrics.address = address;
                cfg.metrics.port = static_cast<uint16_t>(port);
                cfg.metrics.enabled = port != 0;
            }
        }
    if (auto v = m.get("flow_count_interval"))
        if (auto secs = read_duration(d, *v, std::chrono::seconds(1), std::chrono::seconds(3600)))
            cfg.metrics.flow_count_interval = *secs;
    // the file, never the password: a config is often shown and copied around
    if (auto v = m.get("auth_file"))
        if (auto s = read_string(d, *v)) {
            if (s->empty() || (*s)[0] != '/')
                d.error(v->at, v->path + ": expected an absolute path to a file of user:password lines, got " +
                                   describe(v->node));
            else
                cfg.metrics.auth_file = *s;
        }
}

} // namespace jalur::config
