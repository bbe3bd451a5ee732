// SPDX-License-Identifier: GPL-2.0-only
#include "notify/notifier.h"

#include "common/json.h"
#include "alerts/templates.h"
#include "alerts/text.h"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace jalur::notify {

namespace {

int64_t now_unix()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

std::string hostname()
{
    char b[256] = "";
    if (gethostname(b, sizeof(b) - 1) != 0)
        return "jalur";
    return b;
}

} // namespace

namespace {
constexpr size_t kMaxTokenFileBytes = 4096;
}

Result<std::string> read_token(const config::Notify &cfg, std::string &warning)
{
    std::string token, where;
    if (!cfg.token_file.empty()) {
        where = cfg.token_where.str() + ": notify.telegram.token_file " + cfg.token_file;
        struct stat st{};
        if (::stat(cfg.token_file.c_str(), &st) != 0)
            return errorf(where + ": " + std::strerror(errno));
        if (st.st_mode & 077) {
            char mode[8];
            std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
            warning = where + ": other users may read it (mode " + mode + "); the bot token should be private: chmod 600 " +
                      cfg.token_file;
        }
        std::ifstream in(cfg.token_file, std::ios::binary);
        if (!in)
            return errorf(where + ": " + std::strerror(errno));
        // a token is about 46 bytes: a bigger file is not read whole
        token.assign(kMaxTokenFileBytes + 1, '\0');
        in.read(token.data(), static_cast<std::streamsize>(token.size()));
        token.resize(static_cast<size_t>(in.gcount()));
        if (token.size() > kMaxTokenFileBytes)
            return errorf(where + ": not a bot token (the file is larger than " +
                          std::to_string(kMaxTokenFileBytes) + " bytes); its content is not shown");
    } else {
        where = cfg.token_where.str() + ": notify.telegram.token_env " + cfg.token_env;
        const char *v = std::getenv(cfg.token_env.c_str());
        if (!v)
            return errorf(where + ": the variable is not set");
        token = v;
    }
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
        token.pop_back();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.front())))
        token.erase(0, 1);
    if (token.empty())
        return errorf(where + ": the token is empty");
    // it goes into a URL path: nothing that could change the URL's meaning
    if (token.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz:_-") !=
        std::string::npos)
        return errorf(where + ": not a bot token (only letters, digits, ':', '_' and '-' can appear in one); "
                              "its value is not shown");
    return token;
}

Notifier::Notifier(const config::Notify &cfg, Spool spool, TelegramClient client)
    : cfg_(cfg), spool_(std::move(spool)), client_(std::move(client)), host_(hostname())
{
    for (const auto &c : cfg_.chats)
        chats_.push_back(ChatState{c, c.id});
}

Result<std::unique_ptr<Notifier>> Notifier::start(const config::Notify &cfg)
{
    std::string warning;
    auto token = read_token(cfg, warning);
    if (!token)
        return token.error();
    if (!warning.empty())
        spdlog::warn("{}", warning);
    std::vector<std::string> problems;
    auto spool = Spool::open(cfg.spool, problems);
    if (!spool)
        return spool.error();
    for (const auto &p : problems)
        spdlog::warn("alerts: {}", p);
    auto client = TelegramClient::create(cfg.api_base, std::move(token).value(), cfg.timeout);
    if (!client)
        return client.error();
    std::unique_ptr<Notifier> n(new Notifier(cfg, std::move(spool).value(), std::move(client).value()));
    n->load_migrations();
    if (n->spool_.size())
        spdlog::info("alerts: {} alert(s) from before are waiting in {}; they go first", n->spool_.size(),
                     cfg.spool);
    n->worker_ = std::thread([p = n.get()] { p->run(); });
    return n;
}

Notifier::~Notifier()
{
    {
        std::lock_guard lk(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (worker_.joinable())
        worker_.join();
}

Result<void> Notifier::raise(const Alert &a)
{
    auto vars = a.vars;
    int64_t when = a.time_unix ? a.time_unix : now_unix();
    if (vars.find("host") == vars.end())
        vars["host"] = host_;
    vars["time"] = format_time(when);
    const char *name = kind_name(a.kind);
    auto t = cfg_.templates.find(name);
    SpoolEntry e;
    e.kind = name;
    e.time_unix = when;
    e.created_unix = now_unix();
    e.silent = std::find(cfg_.disable_notification.begin(), cfg_.disable_notification.end(), name) !=
               cfg_.disable_notification.end();
    e.parts = split_message(render(t != cfg_.templates.end() ? t->second : default_template(a.kind), vars));

    std::lock_guard lk(mu_);
    if (spool_.size() >= cfg_.queue_limit) {
        dropped_++;
        auto r = spool_.set_dropped(spool_.dropped() + 1);
        return errorf("alerts: the queue is full (" + std::to_string(cfg_.queue_limit) + " waiting in " +
                      cfg_.spool + "): this " + name + " alert is dropped, the older ones are kept; a summary will "
                      "say how many were dropped" + (r ? "" : " (" + r.error().message + ")"));
    }
    auto seq = spool_.add(std::move(e));
    if (spool_.unspooled() && !spool_failing_) {
        spool_failing_ = true;
        spdlog::error("alerts: cannot write to the spool ({}): alerts are held in memory (at most {}; beyond, the "
                      "oldest are dropped and counted), sent all the same, and written when the spool works again",
                      spool_.write_error(), Spool::kMaxUnspooled);
    }
    spdlog::debug("alert {} queued: {}", seq, name);
    wake_.notify_all();
    return {};
}

// Every pass of the worker while alerts are held in memory only: when the
// disk has room again, they are written, and a crash no longer loses them.
void Notifier::retry_spool()
{
    if (!spool_.unspooled())
        return;
    size_t held = spool_.unspooled();
    if (spool_.retry_unspooled()) {
        spool_failing_ = false;
        spdlog::info("alerts: the spool {} takes alerts again; {} held in memory are written", cfg_.spool, held);
    }
}

void Notifier::set_path(uint32_t fwmark)
{
    std::lock_guard lk(mu_);
    if (fwmark == path_)
        return;
    spdlog::debug("alerts: sending through mark {:#x}", fwmark);
    path_ = fwmark;
    live_path_ = fwmark;
    if (fwmark) { // a fresh path: what failed on the old one may work now
        net_failures_ = 0;
        net_next_try_ = {};
    }
    wake_.notify_all();
}

Stats Notifier::stats() const
{
    std::lock_guard lk(mu_);
    Stats s{spool_.size(), 0.0, last_success_unix_, sent_, failed_, dropped_ + spool_.lost(), spool_.unspooled()};
    if (!spool_.entries().empty()) {
        int64_t oldest = INT64_MAX;
        for (const auto &[seq, e] : spool_.entries())
            oldest = std::min(oldest, e.created_unix);
        s.oldest_age_seconds = static_cast<double>(std::max<int64_t>(0, now_unix() - oldest));
    }
    return s;
}

bool Notifier::flush(std::chrono::milliseconds max)
{
    std::unique_lock lk(mu_);
    return drained_.wait_for(lk, max, [&] { return spool_.size() == 0; });
}

void Notifier::run()
{
    // the event loop takes signals through signalfd: this thread must never
    // be the one the kernel picks to deliver them
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);

    std::unique_lock lk(mu_);
    while (!stopping_) {
        retry_spool();
        remove_complete();
        report_drops();
        write_status();
        // alerts held in memory: look at the disk again every few seconds
        Clock::time_point wake = spool_.unspooled() ? Clock::now() + std::chrono::seconds(5) : Clock::time_point::max();
        if (path_ == 0 || spool_.size() == 0) {
            if (wake == Clock::time_point::max())
                wake_.wait(lk);
            else
                wake_.wait_until(lk, wake);
            continue;
        }
        auto w = next_work(Clock::now(), wake);
        if (!w) {
            if (wake == Clock::time_point::max())
                wake_.wait(lk);
            else
                wake_.wait_until(lk, wake);
            continue;
        }
        const auto &e = spool_.entries().at(w->seq);
        Message m{w->chat->target, w->chat->cfg.thread_id, e.parts[w->part], e.silent};
        uint32_t mark = path_;
        lk.unlock();
        // a request on a WAN that just died is not waited out
        auto abort = std::function<bool()>([this, mark] { return stopping_.load() || live_path_.load() != mark; });
        auto r = client_.send(m, mark, abort);
        lk.lock();
        apply(*w, r);
    }
    write_status();
}

// Each chat's next message is its oldest undelivered part; of the chats
// that may send now, the oldest alert goes first.
std::optional<Notifier::Work> Notifier::next_work(Clock::time_point now, Clock::time_point &wake)
{
    if (now < net_next_try_) {
        wake = net_next_try_;
        return std::nullopt;
    }
    std::optional<Work> best;
    for (auto &c : chats_) {
        std::optional<Work> head;
        for (const auto &[seq, e] : spool_.entries()) {
            for (size_t p = 0; p < e.parts.size() && !head; p++)
                if (!e.done.count({c.cfg.id, p}))
                    head = Work{seq, p, &c};
            if (head)
                break;
        }
        if (!head)
            continue;
        auto ready = std::max(c.next_try, pacer_.ready_at(c.target));
        if (ready > now) {
            wake = std::min(wake, ready);
            continue;
        }
        if (!best || head->seq < best->seq)
            best = head;
    }
    return best;
}

void Notifier::apply(const Work &w, const SendResult &r)
{
    auto now = Clock::now();
    auto &c = *w.chat;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    switch (r.outcome) {
    case Outcome::Ok:
        pacer_.sent(c.target, now);
        if (c.error_logged)
            spdlog::info("alerts: chat {} takes messages again", c.cfg.id);
        c.failures = 0;
        c.error_logged = false;
        c.next_try = {};
        net_failures_ = 0;
        sent_++;
        last_success_unix_ = now_unix();
        if (auto m = spool_.mark_done(w.seq, c.cfg.id, w.part); !m)
            spdlog::error("alerts: {} (after a crash this message may be sent again)", m.error().message);
        spdlog::debug("alert {} part {} delivered to chat {}", w.seq, w.part + 1, c.cfg.id);
        break;
    case Outcome::RetryAfter:
        c.next_try = now + r.retry_after;
        spdlog::warn("alerts: chat {}: too many requests ({}); next try in {} s", c.cfg.id, r.detail,
                     r.retry_after.count());
        break;
    case Outcome::Transient: {
        std::chrono::milliseconds delay;
        if (r.http_status >= 500) { // the server's trouble, seen through this chat
            delay = backoff_delay(net_backoff_, ++c.failures, unit(rng_));
            c.next_try = now + delay;
        } else { // the path's trouble: every chat waits
            delay = backoff_delay(net_backoff_, ++net_failures_, unit(rng_));
            net_next_try_ = now + delay;
        }
        spdlog::warn("alerts: alert {} to chat {} not sent: {}; next try in {:.1f} s", w.seq, c.cfg.id, r.detail,
                     seconds(delay));
        break;
    }
    case Outcome::Rejected:
        failed_++;
        if (!c.error_logged) {
            spdlog::error("alerts: chat {} ({}) refuses messages: {}. A configuration error (the token, the chat "
                          "id, or the bot's rights in that chat); logged once, other chats go on",
                          c.cfg.id, c.cfg.where.str(), r.detail);
            c.error_logged = true;
        }
        if (r.http_status == 401) { // the token: may be fixed; keep the alerts and ask again later
            c.next_try = now + backoff_delay(auth_backoff_, ++c.failures, unit(rng_));
        } else { // this chat will not take this message: do not hold the queue for it
            give_up(w);
        }
        break;
    case Outcome::Migrated:
        spdlog::warn("alerts: chat {} became the supergroup {}: sending there from now on (put {} in the config)",
                     c.cfg.id, r.migrate_to, r.migrate_to);
        c.target = r.migrate_to;
        save_migrations();
        break;
    case Outcome::Aborted:
        break;
    }
}

void Notifier::give_up(const Work &w)
{
    const auto &e = spool_.entries().at(w.seq);
    for (size_t p = w.part; p < e.parts.size(); p++)
        if (auto m = spool_.mark_done(w.seq, w.chat->cfg.id, p); !m)
            spdlog::error("alerts: {}", m.error().message);
}

void Notifier::remove_complete()
{
    std::vector<uint64_t> complete;
    for (const auto &[seq, e] : spool_.entries()) {
        bool all = true;
        for (const auto &c : chats_)
            for (size_t p = 0; p < e.parts.size() && all; p++)
                all = e.done.count({c.cfg.id, p}) > 0;
        if (all)
            complete.push_back(seq);
    }
    for (auto seq : complete)
        if (auto r = spool_.remove(seq); !r)
            spdlog::error("alerts: {}", r.error().message);
    if (spool_.size() == 0)
        drained_.notify_all();
}

void Notifier::report_drops()
{
    uint64_t n = spool_.dropped();
    if (n == 0 || spool_.size() >= cfg_.queue_limit)
        return;
    SpoolEntry e;
    e.kind = "dropped";
    e.time_unix = e.created_unix = now_unix();
    e.parts = {"⚠️ <b>" + html_escape(host_) + ": " + std::to_string(n) + " alert(s) dropped</b>\nThe alert queue "
               "was full (" + std::to_string(cfg_.queue_limit) + " waiting while nothing could be sent): the oldest "
               "were kept, the newest dropped."};
    spool_.add(std::move(e));
    if (auto r = spool_.set_dropped(0); !r)
        spdlog::error("alerts: {}", r.error().message);
}

// "OLD NEW" per line: a group that became a supergroup stays found after a restart
void Notifier::load_migrations()
{
    std::istringstream in(spool_.load_state("migrated"));
    std::string from, to;
    while (in >> from >> to)
        for (auto &c : chats_)
            if (c.cfg.id == from)
                c.target = to;
}

void Notifier::save_migrations()
{
    std::string text;
    for (const auto &c : chats_)
        if (c.target != c.cfg.id)
            text += c.cfg.id + " " + c.target + "\n";
    if (auto r = spool_.save_state("migrated", text); !r)
        spdlog::error("alerts: {}", r.error().message);
}

// For `jalur status`, which runs in another process: the spool directory's
// status.json. Not fsync'd: it is rewritten on every change.
void Notifier::write_status()
{
    int64_t oldest = 0;
    for (const auto &[seq, e] : spool_.entries())
        oldest = oldest ? std::min(oldest, e.created_unix) : e.created_unix;
    JsonWriter j;
    j.begin_object()
        .field("queued", static_cast<uint64_t>(spool_.size()))
        .field("oldest_created_unix", oldest)
        .field("last_success_unix", last_success_unix_)
        .field("sent", sent_)
        .field("failed", failed_)
        .field("dropped", dropped_ + spool_.lost())
        .field("unspooled", static_cast<uint64_t>(spool_.unspooled()))
        .field("path_fwmark", path_)
        .field("running", !stopping_.load())
        .end_object();
    if (j.str() == last_status_)
        return;
    last_status_ = j.str();
    std::string tmp = cfg_.spool + "/.status.json.new";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << j.str() << "\n";
        if (!out)
            return;
    }
    std::rename(tmp.c_str(), (cfg_.spool + "/status.json").c_str());
}

} // namespace jalur::notify
