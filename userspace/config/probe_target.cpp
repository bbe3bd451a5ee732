// SPDX-License-Identifier: GPL-2.0-only
#include "config/probe_target.h"

#include <charconv>

namespace jalur::config {

namespace {

Result<Prefix> host_address(const std::string &text)
{
    auto p = Prefix::parse(text);
    if (!p || p->len != p->max_len())
        return errorf("'" + text + "' is not an IPv4 or IPv6 address");
    return p;
}

Result<uint16_t> port_number(const std::string &text)
{
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v == 0 || v > 65535)
        return errorf("'" + text + "' is not a port (1-65535)");
    return static_cast<uint16_t>(v);
}

// "host", "host:port", "[v6]", "[v6]:port" -> host, port (0: none given)
Result<std::pair<std::string, uint16_t>> split_host_port(const std::string &hp)
{
    std::string host, port;
    if (!hp.empty() && hp[0] == '[') {
        auto close = hp.find(']');
        if (close == std::string::npos)
            return errorf("'" + hp + "': '[' without ']'");
        host = hp.substr(1, close - 1);
        if (close + 1 < hp.size()) {
            if (hp[close + 1] != ':')
                return errorf("'" + hp + "': expected ':port' after ']'");
            port = hp.substr(close + 2);
        }
    } else {
        auto colon = hp.find(':');
        if (colon != std::string::npos && hp.find(':', colon + 1) != std::string::npos)
            return errorf("'" + hp + "': an IPv6 address with a port is written [address]:port");
        host = hp.substr(0, colon);
        if (colon != std::string::npos)
            port = hp.substr(colon + 1);
    }
    if (host.empty())
        return errorf("'" + hp + "': no host");
    uint16_t n = 0;
    if (!port.empty()) {
        auto p = port_number(port);
        if (!p)
            return p.error();
        n = *p;
    }
    return std::pair{host, n};
}

} // namespace

Result<ProbeTarget> parse_probe_target(const std::string &text)
{
    ProbeTarget t;
    t.text = text;
    if (text == "gateway" || text == "gateway6") {
        t.gateway = text == "gateway" ? 4 : 6;
        return t;
    }
    auto scheme_end = text.find("://");
    if (scheme_end == std::string::npos) {
        auto a = host_address(text);
        if (!a)
            return errorf("expected \"gateway\", \"gateway6\", an address or a tcp://, http://, https:// or dns:// "
                          "target, got '" + text + "'");
        t.address = *a;
        return t;
    }
    std::string scheme = text.substr(0, scheme_end);
    std::string rest = text.substr(scheme_end + 3);
    auto slash = rest.find('/');
    std::string hostport = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
    auto hp = split_host_port(hostport);
    if (!hp)
        return errorf(text + ": " + hp.error().message);
    auto [host, port] = hp.value();
    if (scheme == "tcp") {
        t.kind = ProbeTarget::Kind::Tcp;
        if (!port)
            return errorf(text + ": a tcp target needs a port, as in tcp://198.51.100.7:443");
        if (!path.empty())
            return errorf(text + ": a tcp target has no path");
    } else if (scheme == "dns") {
        t.kind = ProbeTarget::Kind::Dns;
        port = port ? port : 53;
        t.qname = path.empty() ? "." : path;
        if (t.qname.size() > 253 || t.qname.find('/') != std::string::npos)
            return errorf(text + ": '" + t.qname + "' is not a domain name");
    } else if (scheme == "http" || scheme == "https") {
        t.kind = ProbeTarget::Kind::Http;
        t.url = text;
        t.host = host;
        port = port ? port : scheme == "http" ? 80 : 443;
        if (scheme == "http" && !host_address(host))
            return errorf(text + ": an http target names its server by address (an https target may name a host "
                                 "and give its address in the map form)");
    } else {
        return errorf(text + ": unknown kind '" + scheme + "' (tcp, http, https or dns)");
    }
    t.port = port;
    if (t.kind != ProbeTarget::Kind::Http || host_address(host)) {
        auto a = host_address(host);
        if (!a)
            return errorf(text + ": " + a.error().message);
        t.address = *a;
    }
    return t;
}

} // namespace jalur::config
