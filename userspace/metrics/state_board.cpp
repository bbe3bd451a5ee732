// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/state_board.h"

namespace jalur::metrics {

WanView *Board::wan(const std::string &name)
{
    for (auto &w : wans)
        if (w.name == name)
            return &w;
    return nullptr;
}

} // namespace jalur::metrics
