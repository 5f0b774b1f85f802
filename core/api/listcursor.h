#pragma once

#include "simulationquery.h"

#include <QByteArray>

#include <optional>

namespace aisim::api {

// The opaque after= token of GET /simulations: the order and direction it belongs to, the
// last row's sort key and its id, as base64url of a small JSON array.
class ListCursor
{
public:
    static QByteArray encode(const SimulationQuery &query, const SimulationCursor &cursor);
    // The cursor, when the token was made for this query's order and direction; otherwise
    // nullopt and why in *problem.
    static std::optional<SimulationCursor> decode(const QByteArray &token,
                                                  const SimulationQuery &query, QString *problem);
};

} // namespace aisim::api
