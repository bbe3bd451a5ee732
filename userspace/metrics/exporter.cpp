// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/exporter.h"

#include "metrics/basic_auth.h"
#include "metrics/dashboard_pages.h"
#include "metrics/render.h"

#include <spdlog/spdlog.h>

namespace jalur::metrics {

Result<std::unique_ptr<Exporter>> Exporter::start(const config::Metrics &cfg, const std::string &bpffs,
                                                  StateBoard &board)
{
    auto maps = datapath::PinnedMaps::open(bpffs);
    if (!maps)
        return maps.error();
    std::unique_ptr<Exporter> e(new Exporter(std::move(maps).value(), board));
    e->counter_ = std::make_unique<FlowCounter>(e->maps_, board, cfg.flow_count_interval);

    Exporter *self = e.get();
    Handlers h;
    h.metrics = [self] {
        Writer w;
        render_metrics(self->status(FlowCounting::Kept), w);
        for (const auto &err : w.errors())
            spdlog::warn("metrics: {}", err);
        return w.text();
    };
    h.status = [self](const StatusQuery &q) {
        auto s = self->status(q.count_flows ? FlowCounting::Walk : FlowCounting::Kept);
        return q.text ? render_status_text(s) : render_status_json(s);
    };
    h.unhealthy = [self]() -> std::optional<std::string> {
        auto tick = self->board_.snapshot().loop_tick;
        auto idle = std::chrono::duration_cast<std::chrono::seconds>(WallClock::now() - tick);
        if (idle > kStalled)
            return "the agent's event loop has not run for " + std::to_string(idle.count()) + "s";
        return std::nullopt;
    };
    add_dashboard(h, [self] { return self->status(FlowCounting::Kept); });
    if (!cfg.auth_file.empty()) {
        std::string warning;
        auto auth = BasicAuth::load(cfg.auth_file, warning);
        if (!auth)
            return auth.error(); // no endpoint rather than an open one
        if (!warning.empty())
            spdlog::warn("{}", warning);
        h.authorized = [a = std::move(auth).value()](const std::string &header) { return a.accepts(header); };
    }
    auto server = HttpServer::start(cfg.address, cfg.port, std::move(h));
    if (!server)
        return server.error();
    e->server_ = std::move(server).value();
    spdlog::info("metrics: http://{}:{}/metrics, /status, /healthz; the dashboard at /{}",
                 cfg.address.find(':') == std::string::npos ? cfg.address : "[" + cfg.address + "]",
                 e->server_->port(), cfg.auth_file.empty() ? "" : " (basic authentication)");
    return e;
}

Exporter::~Exporter()
{
    server_.reset();
    counter_.reset();
}

Status Exporter::status(FlowCounting counting) const
{
    auto board = board_.snapshot();
    std::vector<WanConfig> wans;
    for (const auto &w : board.wans)
        wans.push_back({w.name, w.interface, w.tier, w.weight, w.id});
    if (counting == FlowCounting::Walk) {
        std::lock_guard lock(walk_);
        return collect(maps_, wans, &board, counting);
    }
    return collect(maps_, wans, &board, counting);
}

} // namespace jalur::metrics
