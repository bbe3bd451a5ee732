// SPDX-License-Identifier: GPL-2.0-only
// The config reader and every section's validation, from text: parse()
// must end, never throw, and an error must start with the file's name.
#include "config/parse.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    std::string text(reinterpret_cast<const char *>(data), size);
    auto r = jalur::config::parse(text, "f.yaml");
    if (!r && r.error().message.rfind("f.yaml:", 0) != 0)
        std::abort(); // every error has its place
    return 0;
}
