// SPDX-License-Identifier: GPL-2.0-only
// Errors as values (bpftrace's lesson): a Result holds a T or an Error whose
// message says where the problem is, and whose kind and errno let a caller
// tell a missing permission from a changed map layout. std::expected
// arrives with C++23.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace jalur {

enum class ErrorKind {
    Other,
    Permission, // EPERM, EACCES: a capability or a file mode is missing
    NotFound,   // ENOENT, ENODEV: a file, an interface, a pin
    Busy,       // EBUSY, EAGAIN: someone else holds it
    Layout,     // a pinned map whose type, sizes or version differ from the program's
    Invalid,    // input (a config, a request) that cannot be used
};

struct Error {
    std::string message;
    int err = 0; // the errno behind it, 0 when none
    ErrorKind kind = ErrorKind::Other;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error error) : v_(std::move(error)) {}

    explicit operator bool() const { return v_.index() == 0; }
    bool ok() const { return v_.index() == 0; }
    T &value() & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    const T &value() const & { return std::get<0>(v_); }
    T *operator->() { return &std::get<0>(v_); }
    const T *operator->() const { return &std::get<0>(v_); }
    T &operator*() { return std::get<0>(v_); }
    const Error &error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}

    explicit operator bool() const { return ok_; }
    bool ok() const { return ok_; }
    const Error &error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

inline Error errorf(std::string message, ErrorKind kind = ErrorKind::Other) { return Error{std::move(message), 0, kind}; }

inline ErrorKind kind_of_errno(int err)
{
    switch (err) {
    case EPERM:
    case EACCES:
        return ErrorKind::Permission;
    case ENOENT:
    case ENODEV:
    case ENXIO:
        return ErrorKind::NotFound;
    case EBUSY:
    case EAGAIN:
        return ErrorKind::Busy;
    case EINVAL:
        return ErrorKind::Invalid;
    default:
        return ErrorKind::Other;
    }
}

// "what: strerror(err)", keeping err and its kind; err is an errno (a
// negative libbpf return is taken as its absolute value)
inline Error sys_error(const std::string &what, int err)
{
    err = err < 0 ? -err : err;
    return Error{what + ": " + std::strerror(err), err, kind_of_errno(err)};
}

} // namespace jalur
