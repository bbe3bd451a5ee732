// SPDX-License-Identifier: GPL-2.0-only
// An HTTP(S) GET through one WAN, good when the status is the one expected
// (or any 2xx/3xx). A fresh connection each try: a kept-alive one would
// hide a path that died.
#pragma once

#include "config/model.h"
#include "health/check.h"
#include "health/curl_multi.h"

#include <chrono>
#include <memory>
#include <string>

namespace jalur::health {

class HttpCheck : public Check {
public:
    HttpCheck(CurlMulti &multi, const std::string &ifname, uint32_t fwmark, const config::ProbeTarget &target,
              std::chrono::milliseconds timeout);
    ~HttpCheck() override;
    void start(Done done) override;
    void stop() override;

private:
    CurlMulti &multi_;
    CURL *easy_;
    curl_slist *resolve_ = nullptr;
    uint32_t fwmark_;
    std::string interface_; // "if!wan0": bind to the device, never to an address
    uint16_t expect_;
};

} // namespace jalur::health
