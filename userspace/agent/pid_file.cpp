// SPDX-License-Identifier: GPL-2.0-only
#include "agent/pid_file.h"

#include <signal.h>

#include <fstream>

namespace jalur::agent {

std::string pid_file_for(const std::string &bpffs)
{
    std::string name = bpffs;
    for (auto &c : name)
        if (c == '/')
            c = '_';
    return "/run/jalur/" + name + ".pid";
}

Result<pid_t> running_agent(const std::string &bpffs)
{
    std::string path = pid_file_for(bpffs);
    std::ifstream in(path);
    pid_t pid = 0;
    if (!(in >> pid) || pid <= 0)
        return errorf("no running agent for " + bpffs + " (" + path + " is missing)");
    if (kill(pid, 0) != 0)
        return errorf("the agent in " + path + " (pid " + std::to_string(pid) + ") is not running");
    return pid;
}

} // namespace jalur::agent
