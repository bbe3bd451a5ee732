// SPDX-License-Identifier: GPL-2.0-only
// The metrics component of the agent: opens the pins read-only, counts the
// flow table on a slow timer, and serves /metrics, /status and /healthz
// from the pins and the state board. Owns its threads; the agent owns it
// and the board.
#pragma once

#include "config/model.h"
#include "datapath/pinned.h"
#include "metrics/flow_count.h"
#include "metrics/http_server.h"
#include "metrics/state_board.h"
#include "metrics/status_model.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

namespace jalur::metrics {

class Exporter {
public:
    static Result<std::unique_ptr<Exporter>> start(const config::Metrics &cfg, const std::string &bpffs,
                                                   StateBoard &board);
    Exporter(const Exporter &) = delete;
    ~Exporter(); // the server stops first: no request outlives the counter

    uint16_t port() const { return server_->port(); }

    // The event loop's heartbeat is older than this: /healthz fails.
    static constexpr std::chrono::seconds kStalled{5};

private:
    Exporter(datapath::PinnedMaps maps, StateBoard &board) : maps_(std::move(maps)), board_(board) {}
    Status status(FlowCounting counting) const;

    datapath::PinnedMaps maps_;
    StateBoard &board_;
    mutable std::mutex walk_; // one exact walk of the flow table at a time
    std::unique_ptr<FlowCounter> counter_;
    std::unique_ptr<HttpServer> server_;
};

} // namespace jalur::metrics
