// SPDX-License-Identifier: GPL-2.0-only
#include "config/parse.h"

#include "config/placeholders.h"
#include "config/sections.h"

#include <yaml-cpp/eventhandler.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
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
    {"host", parse_host},
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

// yaml-cpp 0.7's LoadAll() never ends on a ',' at document level ("," or
// "{lan: br-lan},"): its document parser does not consume the token, reports
// an empty document and is called again, forever, until memory runs out
// (jbeder/yaml-cpp issue 1040). So the documents are walked here, at most
// two (a second is an error anyway), with a handler that only notes where
// each document's root is and whether it is empty; YAML::Load() then builds
// the first one, and reads no further.
class DocumentShapes : public YAML::EventHandler {
public:
    struct Root {
        YAML::Mark mark;
        bool null = false;
    };
    std::vector<Root> roots;

    void OnDocumentStart(const YAML::Mark &) override { depth_ = 0; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark &m, YAML::anchor_t) override { node(m, true); }
    void OnAlias(const YAML::Mark &m, YAML::anchor_t) override { node(m, false); }
    void OnScalar(const YAML::Mark &m, const std::string &, YAML::anchor_t, const std::string &) override
    {
        node(m, false);
    }
    void OnSequenceStart(const YAML::Mark &m, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        open(m);
    }
    void OnSequenceEnd() override { depth_--; }
    void OnMapStart(const YAML::Mark &m, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override
    {
        open(m);
    }
    void OnMapEnd() override { depth_--; }

private:
    void node(const YAML::Mark &m, bool null)
    {
        if (depth_ == 0)
            roots.push_back({m, null});
    }
    void open(const YAML::Mark &m)
    {
        node(m, false);
        depth_++;
    }
    int depth_ = 0;
};

// A ',' where a document's root should be: a stray comma outside any [list]
// or {map}, which yaml-cpp takes for an empty document.
bool stray_comma(const std::string &text, const DocumentShapes::Root &r)
{
    return r.null && r.mark.pos >= 0 && static_cast<size_t>(r.mark.pos) < text.size() && text[r.mark.pos] == ',';
}

Location location(const std::string &file, const YAML::Mark &m) { return {file, m.line + 1, m.column + 1}; }

// The first document, or the error that ends the parse.
Result<YAML::Node> first_document(const std::string &text, const std::string &file, Diagnostics &d)
{
    DocumentShapes shapes;
    {
        std::istringstream in(text);
        YAML::Parser parser(in);
        while (shapes.roots.size() < 2 && parser.HandleNextDocument(shapes)) {
        }
    }
    for (const auto &r : shapes.roots)
        if (stray_comma(text, r))
            return errorf(location(file, r.mark).str() +
                          ": YAML syntax error: a ',' outside of a [list] or {map} (a trailing comma?)");
    if (shapes.roots.size() > 1)
        d.error(location(file, shapes.roots[1].mark), "expected one YAML document, found a second ('---')");
    return YAML::Load(text);
}

} // namespace

Result<Config> parse(const std::string &yaml_text, const std::string &file_name)
{
    if (yaml_text.size() > kMaxConfigBytes)
        return errorf(Location{file_name, 1, 1}.str() + ": the file is larger than " +
                      std::to_string(kMaxConfigBytes / 1024) + " KiB: not a config file");
    Diagnostics d(file_name);
    YAML::Node doc;
    try {
        auto first = first_document(yaml_text, file_name, d);
        if (!first)
            return first.error();
        doc = first.value();
    } catch (const YAML::Exception &e) {
        return errorf(syntax_error(file_name, yaml_text, e)); // the parser cannot go on past it
    } catch (const std::exception &e) {
        return errorf(Location{file_name, 1, 1}.str() + ": cannot parse the file: " + e.what());
    }
    if (doc.IsNull())
        return errorf(Location{file_name, 1, 1}.str() + ": the file is empty: expected at least 'lan' and 'wans'");

    // the packaged default config, not edited yet: only what to edit
    if (report_placeholders(d, doc))
        return errorf(d.message() + "\n" + file_name + ": replace every EDIT-ME value (see jalur.yaml(5))");

    Config cfg;
    cfg.file = file_name;
    try {
        std::vector<std::string> keys;
        for (const auto &s : kSections)
            keys.push_back(s.key);
        MapReader root(d, Value{doc, d.at(doc), ""}, keys);
        if (root.ok())
            for (const auto &s : kSections)
                s.parse(d, SectionInput{root.get(s.key), root.at()}, cfg);
    } catch (const YAML::Exception &e) {
        // Every read goes through reader.h, which does not throw; this is
        // only a net under that promise.
        d.error(location(file_name, e.mark), std::string("internal error: ") + e.what());
    } catch (const std::exception &e) {
        d.error(Location{file_name, 1, 1}, std::string("internal error: ") + e.what());
    }
    if (d.failed())
        return errorf(d.message());
    return cfg;
}

Result<Config> load_file(const std::string &path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) // it opens, and reads as an empty file
        return errorf(Location{path, 1, 1}.str() + ": is a directory; give the config file in it (e.g. " +
                      (std::filesystem::path(path) / "jalur.yaml").lexically_normal().string() + ")");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return errorf(Location{path, 1, 1}.str() + ": cannot read the config file: " + std::strerror(errno));
    // read one byte more than a config may have: a bigger file (or
    // /dev/zero) is refused without being read whole
    std::string text(kMaxConfigBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad())
        return errorf(Location{path, 1, 1}.str() + ": cannot read the config file: " + std::strerror(errno));
    text.resize(static_cast<size_t>(in.gcount()));
    return parse(text, path);
}

} // namespace jalur::config
