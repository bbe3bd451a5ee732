// SPDX-License-Identifier: GPL-2.0-only
// HTTP basic authentication for the endpoint (metrics.auth_file): the
// credentials come from a file the config names, never from the config
// itself, one "user:password" a line ('#' starts a comment). A request's
// credentials are compared with each line in time that depends on the
// stored line's length only, never on how much of a guess was right.
#pragma once

#include "common/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace jalur::metrics {

class BasicAuth {
public:
    // Reads `path`; an error when it cannot be read or holds no "user:password"
    // line. `warning` is set when other users may read the file.
    static Result<BasicAuth> load(const std::string &path, std::string &warning);
    explicit BasicAuth(std::vector<std::string> credentials) : credentials_(std::move(credentials)) {}

    // The Authorization header's value ("Basic dXNlcjpwYXNz"): true when it
    // names one of the file's lines.
    bool accepts(std::string_view authorization) const;
    // The Authorization header's value for the file's first line: how
    // `jalur status` (root, reading the same file) asks its own agent.
    std::string first_authorization() const;

private:
    std::vector<std::string> credentials_; // "user:password"
};

std::string base64_encode(std::string_view in);
// RFC 4648 base64, padded and canonical (left-over bits zero): false on anything else.
bool base64_decode(std::string_view in, std::string &out);
// Equal, in time that depends on `secret`'s length only.
bool constant_time_equal(std::string_view guess, std::string_view secret);

} // namespace jalur::metrics
