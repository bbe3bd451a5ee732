// SPDX-License-Identifier: GPL-2.0-only
// libcurl's global init, once per process, before any thread uses a handle.
#pragma once

#include "common/result.h"

#include <curl/curl.h>

#include <mutex>
#include <string>

namespace jalur {

inline Result<void> curl_global()
{
    static std::once_flag once;
    static CURLcode init = CURLE_OK;
    std::call_once(once, [] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
    if (init != CURLE_OK)
        return errorf(std::string("libcurl: ") + curl_easy_strerror(init));
    return {};
}

} // namespace jalur
