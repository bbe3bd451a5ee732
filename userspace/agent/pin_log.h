// SPDX-License-Identifier: GPL-2.0-only
// The log's account of what a start did with the pins it found.
#pragma once

#include "datapath/pin_swap.h"

#include <string>

namespace jalur::agent {

void log_pins(const datapath::PinReport &report, const std::string &dir);

} // namespace jalur::agent
