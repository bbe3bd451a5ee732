// SPDX-License-Identifier: GPL-2.0-only
#include "health/curl_multi.h"

#include <sys/epoll.h>

namespace jalur::health {

CurlMulti::CurlMulti(EventLoop &loop) : loop_(loop), multi_(curl_multi_init())
{
    curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &CurlMulti::on_socket);
    curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &CurlMulti::on_timer);
    curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
}

CurlMulti::~CurlMulti()
{
    for (auto &[easy, _] : running_)
        curl_multi_remove_handle(multi_, easy);
    curl_multi_cleanup(multi_);
    if (timer_ >= 0)
        loop_.cancel(timer_);
}

void CurlMulti::add(CURL *easy, std::function<void(CURLcode)> done)
{
    remove(easy);
    running_[easy] = std::move(done);
    curl_multi_add_handle(multi_, easy); // sets the timer that starts it
}

void CurlMulti::remove(CURL *easy)
{
    if (running_.erase(easy))
        curl_multi_remove_handle(multi_, easy);
}

int CurlMulti::on_socket(CURL *, curl_socket_t s, int what, void *self_, void *)
{
    auto *self = static_cast<CurlMulti *>(self_);
    if (what == CURL_POLL_REMOVE) {
        self->loop_.unwatch(s);
        return 0;
    }
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0u) | (what & CURL_POLL_OUT ? EPOLLOUT : 0u);
    if (self->loop_.watching(s))
        (void)self->loop_.modify(s, events);
    else
        (void)self->loop_.watch(s, events, [self, s](uint32_t got) {
            self->act(s, (got & EPOLLIN ? CURL_CSELECT_IN : 0) | (got & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                             (got & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0));
        });
    return 0;
}

int CurlMulti::on_timer(CURLM *, long timeout_ms, void *self_)
{
    auto *self = static_cast<CurlMulti *>(self_);
    if (self->timer_ >= 0)
        self->loop_.cancel(self->timer_);
    self->timer_ = -1;
    if (timeout_ms < 0)
        return 0;
    auto t = self->loop_.after(std::chrono::milliseconds(timeout_ms), [self] {
        self->timer_ = -1;
        self->act(CURL_SOCKET_TIMEOUT, 0);
    });
    if (t)
        self->timer_ = t.value();
    return t ? 0 : -1;
}

void CurlMulti::act(curl_socket_t s, int events)
{
    int still_running = 0;
    curl_multi_socket_action(multi_, s, events, &still_running);
    int left = 0;
    while (CURLMsg *m = curl_multi_info_read(multi_, &left)) {
        if (m->msg != CURLMSG_DONE)
            continue;
        CURL *easy = m->easy_handle;
        CURLcode code = m->data.result;
        auto it = running_.find(easy);
        if (it == running_.end())
            continue;
        auto done = std::move(it->second);
        remove(easy);
        done(code);
    }
}

} // namespace jalur::health
