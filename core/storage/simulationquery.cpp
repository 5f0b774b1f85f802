#include "simulationquery.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
struct OrderName
{
    SimulationQuery::OrderBy orderBy;
    QLatin1StringView name;
};

constexpr OrderName kOrderNames[] = {
    {SimulationQuery::OrderBy::CreationDate, "creation_date"_L1},
    {SimulationQuery::OrderBy::UpdateDate, "update_date"_L1},
    {SimulationQuery::OrderBy::Name, "name"_L1},
    {SimulationQuery::OrderBy::Id, "simulation_id"_L1},
    {SimulationQuery::OrderBy::Status, "status"_L1},
    {SimulationQuery::OrderBy::Machine, "machine_id"_L1},
    {SimulationQuery::OrderBy::Duration, "duration"_L1},
    {SimulationQuery::OrderBy::Progress, "progress"_L1},
    {SimulationQuery::OrderBy::FinalLoss, "final_loss"_L1},
    {SimulationQuery::OrderBy::BestLoss, "best_loss"_L1},
    {SimulationQuery::OrderBy::Rate, "rate"_L1},
    {SimulationQuery::OrderBy::Verdict, "verdict"_L1},
};
} // namespace

std::optional<SimulationQuery::OrderBy> SimulationQuery::orderByFromString(const QString &text)
{
    for (const OrderName &order : kOrderNames) {
        // The window's own orders are not the API's.
        if (order.orderBy == OrderBy::Duration || order.orderBy == OrderBy::Progress
            || order.orderBy == OrderBy::Verdict)
            continue;
        if (text == order.name)
            return order.orderBy;
    }
    return std::nullopt;
}

QString SimulationQuery::orderByName(OrderBy orderBy)
{
    for (const OrderName &order : kOrderNames) {
        if (order.orderBy == orderBy)
            return order.name;
    }
    return QString();
}

} // namespace aisim
