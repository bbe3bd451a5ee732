// SPDX-License-Identifier: GPL-2.0-only
// The CLI's side of the control socket: one request, one reply, with a
// deadline. Its errors say what to do: a socket nobody listens on means the
// agent is not running; one the user may not open names who may.
#pragma once

#include "common/result.h"
#include "ctl/message.h"

#include <chrono>
#include <string>

namespace jalur::ctl {

// `timeout` bounds the wait for the reply (a reload applies a whole config).
Result<Reply> call(const std::string &socket, const Request &request,
                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

} // namespace jalur::ctl
