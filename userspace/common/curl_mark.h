// SPDX-License-Identifier: GPL-2.0-only
// Puts a fwmark on every connection libcurl opens, so the request leaves by
// the WAN whose mark it is: set with CURLOPT_SOCKOPTFUNCTION, and
// CURLOPT_SOCKOPTDATA pointing at the uint32_t mark (0: unmarked).
#pragma once

#include <curl/curl.h>
#include <sys/socket.h>

#include <cstdint>

namespace jalur {

inline int curl_mark_socket(void *mark, curl_socket_t fd, curlsocktype purpose)
{
    auto m = *static_cast<const uint32_t *>(mark);
    if (purpose != CURLSOCKTYPE_IPCXN || m == 0)
        return CURL_SOCKOPT_OK;
    return setsockopt(fd, SOL_SOCKET, SO_MARK, &m, sizeof(m)) == 0 ? CURL_SOCKOPT_OK : CURL_SOCKOPT_ERROR;
}

} // namespace jalur
