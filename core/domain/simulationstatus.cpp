#include "simulationstatus.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
struct StatusName
{
    SimulationStatus status;
    QLatin1StringView name;
};
constexpr StatusName kStatusNames[] = {
    {SimulationStatus::Pending, "pending"_L1},     {SimulationStatus::Running, "running"_L1},
    {SimulationStatus::Finished, "finished"_L1},   {SimulationStatus::Failed, "failed"_L1},
    {SimulationStatus::Cancelled, "cancelled"_L1},
};
} // namespace

QString statusName(SimulationStatus status)
{
    for (const auto &entry : kStatusNames) {
        if (entry.status == status)
            return entry.name;
    }
    return {};
}

std::optional<SimulationStatus> statusFromString(const QString &text)
{
    for (const auto &entry : kStatusNames) {
        if (text == entry.name)
            return entry.status;
    }
    return std::nullopt;
}

bool isTerminal(SimulationStatus status)
{
    return status == SimulationStatus::Finished || status == SimulationStatus::Failed
        || status == SimulationStatus::Cancelled;
}

QStringList allStatusNames()
{
    QStringList names;
    for (const auto &entry : kStatusNames)
        names << QString(entry.name);
    return names;
}

} // namespace aisim
