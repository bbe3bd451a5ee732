// SPDX-License-Identifier: GPL-2.0-only
// How long to wait after a failed try: exponential, capped, with jitter so
// that many agents coming back at once do not retry in step. Pure: the
// random number comes from the caller, so tests need no luck.
#pragma once

#include <chrono>
#include <cstdint>

namespace jalur::notify {

struct BackoffPolicy {
    std::chrono::milliseconds first{1000};  // after the first failure
    std::chrono::milliseconds max{300000};  // never more than this
    double jitter = 0.25;                   // up to this share is taken off at random
};

// `failures` in a row (1 for the first); `random01` uniform in [0, 1).
// first * 2^(failures-1), capped at max, minus up to `jitter` of it.
std::chrono::milliseconds backoff_delay(const BackoffPolicy &p, uint32_t failures, double random01);

} // namespace jalur::notify
