// SPDX-License-Identifier: GPL-2.0-only
#include "agent/instance.h"

#include "agent/pid_file.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <utility>

namespace jalur::agent {

Result<Instance> Instance::claim(const std::string &bpffs)
{
    auto pins = datapath::PinDir::prepare(bpffs); // takes the lock
    if (!pins)
        return pins.error();
    // written under the lock: no other agent of these pins can hold it
    std::string path = pid_file_for(bpffs);
    std::error_code ec;
    std::filesystem::create_directories("/run/jalur", ec);
    std::ofstream out(path, std::ios::trunc);
    out << getpid() << "\n";
    if (!out)
        return errorf("cannot write " + path);
    return Instance(std::move(pins).value(), path);
}

Instance::Instance(Instance &&o) noexcept : pins_(std::move(o.pins_)), pid_file_(std::exchange(o.pid_file_, {})) {}

Instance::~Instance()
{
    if (!pid_file_.empty())
        unlink(pid_file_.c_str());
}

} // namespace jalur::agent
