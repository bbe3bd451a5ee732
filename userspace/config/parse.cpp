// SPDX-License-Identifier: GPL-2.0-only
#include "config/parse.h"

#include "config/sections.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace jalur::config {

namespace {

using SectionParser = void (*)(Diagnostics &, const SectionInput &, Config &);

struct Section {
    const char *key;
    SectionParser parse;
};

// Every top-level key, in the order the sections are parsed: a section may
// only refer to those above it (wans need fwmark_mask and lan, policies name
// WANs, rules name address lists and policies). A new section -- health,
// notify, metrics -- is one line here, a parse function in sections.h and
// its fields in model.h.
constexpr Section kSections[] = {
    {"bpffs", parse_bpffs},
    {"state_dir", parse_state_dir},
    {"log_level", parse_log_level},
    {"fwmark_mask", parse_fwmark_mask},
    {"flow_table_size", parse_flow_table_size},
    {"lan", parse_lan},
    {"health", parse_health},
    {"wans", parse_wans},
    {"address_lists", parse_address_lists},
    {"policies", parse_policies},
    {"rules", parse_rules},
    {"default_policy", parse_default_policy},
    {"dhcp_guard", parse_dhcp_guard},
    {"notify", parse_notify},
    {"metrics", parse_metrics},
    {"control", parse_control},
};

std::string syntax_error(const std::string &file, const std::string &text, const YAML::Exception &e)
{
    Location at{file, 1, 1};
    if (!e.mark.is_null())
        at = {file, e.mark.line + 1, e.mark.column + 1};
    // YAML reserves '@', and yaml-cpp only says "unknown token": name the
    // likely cause, an unquoted address list reference.
    std::string hint;
    if (e.mark.pos >= 0 && static_cast<size_t>(e.mark.pos) < text.size() && text[e.mark.pos] == '@')
        hint = " (a value starting with '@' must be quoted: \"@name\")";
    return at.str() + ": YAML syntax error: " + e.msg + hint;
}

} // namespace

Result<Config> parse(const std::string &yaml_text, const std::string &file_name)
{
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(yaml_text);
    } catch (const YAML::Exception &e) {
        return errorf(syntax_error(file_name, yaml_text, e)); // the parser cannot go on past it
    }
    Diagnostics d(file_name);
    if (docs.empty() || docs[0].IsNull())
        return errorf(Location{file_name, 1, 1}.str() + ": the file is empty: expected at least 'lan' and 'wans'");
    if (docs.size() > 1)
        d.error(d.at(docs[1]), "expected one YAML document, found a second ('---')");

    Config cfg;
    cfg.file = file_name;
    try {
        std::vector<std::string> keys;
        for (const auto &s : kSections)
            keys.push_back(s.key);
        MapReader root(d, Value{docs[0], d.at(docs[0]), ""}, keys);
        if (root.ok())
            for (const auto &s : kSections)
                s.parse(d, SectionInput{root.get(s.key), root.at()}, cfg);
    } catch (const YAML::Exception &e) {
        // Every read goes through reader.h, which does not throw; this is
        // only a net under that promise.
        d.error(Location{file_name, e.mark.line + 1, e.mark.column + 1}, std::string("internal error: ") + e.what());
    }
    if (d.failed())
        return errorf(d.message());
    return cfg;
}

Result<Config> load_file(const std::string &path)
{
    std::ifstream in(path);
    if (!in)
        return errorf(Location{path, 1, 1}.str() + ": cannot read the config file: " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

} // namespace jalur::config
