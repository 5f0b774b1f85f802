#pragma once

#include "lossstatistics.h"
#include "simulationstatus.h"

#include <QString>
#include <QVariant>

#include <optional>

namespace aisim {

// Where a page ends: the sort key of its last row and that row's id.
struct SimulationCursor
{
    QVariant key;
    qint64 id = 0;
};

// A filtered, sorted window of the simulations table.
struct SimulationQuery
{
    enum class OrderBy {
        CreationDate,
        UpdateDate,
        Name,
        Id,
        Status,
        Machine,
        Duration,
        Progress,
        FinalLoss,
        BestLoss,
        Rate,
        Verdict
    };

    OrderBy orderBy = OrderBy::CreationDate;
    bool descending = false;
    std::optional<SimulationStatus> status;
    std::optional<qint64> machineId;
    std::optional<Verdict> verdict;
    QString nameContains;
    qint64 limit = -1; // all
    qint64 offset = 0;
    // Only the rows after this one in the order (keyset paging).
    std::optional<SimulationCursor> after;

    // Maps the API's order_by values to a column; nullopt for anything else.
    static std::optional<OrderBy> orderByFromString(const QString &text);
    static QString orderByName(OrderBy orderBy);
};

} // namespace aisim
