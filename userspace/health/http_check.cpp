// SPDX-License-Identifier: GPL-2.0-only
#include "health/http_check.h"

#include "common/curl_mark.h"

namespace jalur::health {

namespace {

size_t discard(char *, size_t size, size_t n, void *) { return size * n; }

} // namespace

HttpCheck::HttpCheck(CurlMulti &multi, const std::string &ifname, uint32_t fwmark,
                     const config::ProbeTarget &target, std::chrono::milliseconds timeout)
    : multi_(multi), easy_(curl_easy_init()), fwmark_(fwmark), interface_("if!" + ifname), expect_(target.expect)
{
    curl_easy_setopt(easy_, CURLOPT_URL, target.url.c_str());
    curl_easy_setopt(easy_, CURLOPT_INTERFACE, interface_.c_str());
    curl_easy_setopt(easy_, CURLOPT_SOCKOPTFUNCTION, &curl_mark_socket);
    curl_easy_setopt(easy_, CURLOPT_SOCKOPTDATA, &fwmark_);
    curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(easy_, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(easy_, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, "jalur-health");
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &discard);
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!target.ca_file.empty())
        curl_easy_setopt(easy_, CURLOPT_CAINFO, target.ca_file.c_str());
    if (target.address && target.address->addr_str() != target.host) {
        // a named https host is reached at the configured address, never
        // through a resolver that might sit behind another WAN
        std::string addr = target.address->addr_str();
        if (target.address->family == 6)
            addr = "[" + addr + "]";
        resolve_ = curl_slist_append(nullptr, (target.host + ":" + std::to_string(target.port) + ":" + addr).c_str());
        curl_easy_setopt(easy_, CURLOPT_RESOLVE, resolve_);
    }
}

HttpCheck::~HttpCheck()
{
    stop();
    curl_easy_cleanup(easy_);
    curl_slist_free_all(resolve_);
}

void HttpCheck::start(Done done)
{
    multi_.add(easy_, [this, done = std::move(done)](CURLcode code) {
        if (code != CURLE_OK) {
            done(false, curl_easy_strerror(code));
            return;
        }
        long status = 0;
        curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
        bool ok = expect_ ? status == expect_ : status >= 200 && status < 400;
        done(ok, ok ? "" : "status " + std::to_string(status));
    });
}

void HttpCheck::stop()
{
    multi_.remove(easy_);
}

} // namespace jalur::health
