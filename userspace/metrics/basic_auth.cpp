// SPDX-License-Identifier: GPL-2.0-only
#include "metrics/basic_auth.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

namespace jalur::metrics {

namespace {

// A password file is a few lines: a bigger file is not what was meant.
constexpr size_t kMaxFileBytes = 64 * 1024;

int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

} // namespace

std::string base64_encode(std::string_view in)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (size_t i = 0; i < in.size(); i += 3) {
        uint32_t n = uint32_t(static_cast<unsigned char>(in[i])) << 16;
        if (i + 1 < in.size())
            n |= uint32_t(static_cast<unsigned char>(in[i + 1])) << 8;
        if (i + 2 < in.size())
            n |= static_cast<unsigned char>(in[i + 2]);
        out += digits[(n >> 18) & 63];
        out += digits[(n >> 12) & 63];
        out += i + 1 < in.size() ? digits[(n >> 6) & 63] : '=';
        out += i + 2 < in.size() ? digits[n & 63] : '=';
    }
    return out;
}

bool base64_decode(std::string_view in, std::string &out)
{
    out.clear();
    if (in.size() % 4 != 0)
        return false;
    for (size_t i = 0; i < in.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (int k = 0; k < 4; k++) {
            char c = in[i + k];
            bool last_group = i + 4 == in.size();
            if (c == '=' && last_group && k >= 2 && (k == 3 || in[i + 3] == '=')) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad || (v[k] = base64_value(c)) < 0)
                return false;
        }
        uint32_t n = (uint32_t(v[0]) << 18) | (uint32_t(v[1]) << 12) | (uint32_t(v[2]) << 6) | uint32_t(v[3]);
        // canonical only: the bits padding leaves over are zero, so one
        // string of bytes has one spelling
        if ((pad == 2 && (n & 0xffff)) || (pad == 1 && (n & 0xff)))
            return false;
        out += static_cast<char>(n >> 16);
        if (pad < 2)
            out += static_cast<char>((n >> 8) & 0xff);
        if (pad < 1)
            out += static_cast<char>(n & 0xff);
    }
    return true;
}

bool constant_time_equal(std::string_view guess, std::string_view secret)
{
    // every byte of the secret is visited whatever the guess: the time says
    // how long the secret is, nothing about how close the guess came
    unsigned char diff = guess.size() != secret.size();
    for (size_t i = 0; i < secret.size(); i++) {
        unsigned char g = i < guess.size() ? static_cast<unsigned char>(guess[i]) : 0;
        diff |= static_cast<unsigned char>(g ^ static_cast<unsigned char>(secret[i]));
    }
    return diff == 0;
}

Result<BasicAuth> BasicAuth::load(const std::string &path, std::string &warning)
{
    std::string where = "metrics.auth_file " + path;
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
        return sys_error(where, errno);
    if (st.st_mode & 077) {
        char mode[8];
        std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
        warning = where + ": other users may read it (mode " + mode + "); passwords should be private: chmod 600 " +
                  path;
    }
    if (static_cast<size_t>(st.st_size) > kMaxFileBytes)
        return errorf(where + ": larger than 64 KiB; expected lines of user:password");
    std::ifstream in(path);
    if (!in)
        return sys_error(where, errno);
    std::vector<std::string> credentials;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        auto colon = line.find(':');
        if (colon == 0 || colon == std::string::npos || colon + 1 == line.size())
            return errorf(where + ": a line is not user:password (a user and a non-empty password)");
        credentials.push_back(line);
    }
    if (credentials.empty())
        return errorf(where + ": no user:password line");
    return BasicAuth(std::move(credentials));
}

bool BasicAuth::accepts(std::string_view authorization) const
{
    constexpr std::string_view scheme = "Basic ";
    if (authorization.size() <= scheme.size())
        return false;
    for (size_t i = 0; i < scheme.size() - 1; i++) // the scheme is case-insensitive (RFC 7235)
        if ((authorization[i] | 0x20) != (scheme[i] | 0x20))
            return false;
    if (authorization[scheme.size() - 1] != ' ')
        return false;
    std::string given;
    if (!base64_decode(authorization.substr(scheme.size()), given))
        return false;
    bool ok = false;
    for (const auto &c : credentials_) // every line compared: which one matched does not show in the time
        ok |= constant_time_equal(given, c);
    return ok;
}

std::string BasicAuth::first_authorization() const { return "Basic " + base64_encode(credentials_.front()); }

} // namespace jalur::metrics
