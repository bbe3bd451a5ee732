// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/dashboard_pages.h"

#include "metrics/dashboard_json.h"

#include "web_assets.h" // generated from web/ (cmake/EmbedFiles.cmake)

namespace jalur::metrics {

namespace {

// The page loads only its own files and talks only to this endpoint; what
// the network names (a rogue server's fields, event text) is shown as text,
// and a policy that forbids inline script keeps it that way.
const char *const kPageHeaders = "Cache-Control: no-cache\r\n"
                                 "X-Content-Type-Options: nosniff\r\n"
                                 "X-Frame-Options: DENY\r\n"
                                 "Content-Security-Policy: default-src 'self'; img-src 'self' data:; "
                                 "frame-ancestors 'none'\r\n";

} // namespace

void add_dashboard(Handlers &h, std::function<Status()> status)
{
    for (const auto &a : web::kWebAssets) {
        Reply r{a.type, std::string(reinterpret_cast<const char *>(a.data), a.size), kPageHeaders};
        h.pages[a.path] = [r](const std::string &) { return r; };
    }
    h.pages["/api/dashboard"] = [status = std::move(status)](const std::string &query) {
        return Reply{"application/json",
                     render_dashboard_json(status(), parse_dashboard_query(query), WallClock::now()),
                     "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"};
    };
}

} // namespace jalur::metrics
