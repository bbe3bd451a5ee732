// SPDX-License-Identifier: GPL-2.0-only
#include "control/world.h"

namespace jalur::control {

const char *health_name(Health h)
{
    switch (h) {
    case Health::Up:
        return "up";
    case Health::Degraded:
        return "degraded";
    case Health::Down:
        return "down";
    }
    return "?";
}

const InterfaceFacts &World::interface(const std::string &name) const
{
    static const InterfaceFacts absent{};
    auto it = interfaces.find(name);
    return it == interfaces.end() ? absent : it->second;
}

const WanFacts &World::wan(const std::string &name) const
{
    static const WanFacts unknown{};
    auto it = wans.find(name);
    return it == wans.end() ? unknown : it->second;
}

} // namespace jalur::control
