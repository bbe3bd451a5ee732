// SPDX-License-Identifier: GPL-2.0-only
// libcurl's multi interface driven by the agent's event loop (the
// CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION way), so HTTP probes share the one
// thread and never block it.
#pragma once

#include "common/event_loop.h"

#include <curl/curl.h>

#include <functional>
#include <map>

namespace jalur::health {

class CurlMulti {
public:
    explicit CurlMulti(EventLoop &loop);
    CurlMulti(const CurlMulti &) = delete;
    ~CurlMulti();

    // Runs `easy` until it completes; `done` is called from the event loop.
    void add(CURL *easy, std::function<void(CURLcode)> done);
    // Abandons it (no call to `done`); a no-op when it is not running.
    void remove(CURL *easy);

private:
    static int on_socket(CURL *easy, curl_socket_t s, int what, void *self, void *socket_data);
    static int on_timer(CURLM *multi, long timeout_ms, void *self);
    void act(curl_socket_t s, int events);

    EventLoop &loop_;
    CURLM *multi_;
    int timer_ = -1;
    std::map<CURL *, std::function<void(CURLcode)>> running_;
};

} // namespace jalur::health
