#include "listcursor.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr auto kBase64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QString direction(const SimulationQuery &query)
{
    return query.descending ? u"desc"_s : u"asc"_s;
}

// Names keep their text; every other key is a number, kept as text so that no digit is lost
// (integers beyond 2^53, fractions with all their digits).
bool isTextKey(SimulationQuery::OrderBy orderBy)
{
    return orderBy == SimulationQuery::OrderBy::Name
        || orderBy == SimulationQuery::OrderBy::Verdict;
}

// The loss statistics are doubles, written with 17 digits: they read back the same.
bool isDoubleKey(SimulationQuery::OrderBy orderBy)
{
    return orderBy == SimulationQuery::OrderBy::FinalLoss
        || orderBy == SimulationQuery::OrderBy::BestLoss
        || orderBy == SimulationQuery::OrderBy::Rate;
}
} // namespace

QByteArray ListCursor::encode(const SimulationQuery &query, const SimulationCursor &cursor)
{
    const QJsonArray fields {SimulationQuery::orderByName(query.orderBy), direction(query),
                             cursor.key.toString(), QString::number(cursor.id)};
    return QJsonDocument(fields).toJson(QJsonDocument::Compact).toBase64(kBase64);
}

std::optional<SimulationCursor> ListCursor::decode(const QByteArray &token,
                                                   const SimulationQuery &query, QString *problem)
{
    const auto decoded = QByteArray::fromBase64Encoding(token, kBase64);
    const QJsonArray fields = decoded ? QJsonDocument::fromJson(*decoded).array() : QJsonArray();
    if (fields.size() != 4 || !fields.at(0).isString() || !fields.at(1).isString()
        || !fields.at(2).isString() || !fields.at(3).isString()) {
        *problem = u"not a cursor of this API: use the after= of a Link header"_s;
        return std::nullopt;
    }
    if (fields.at(0).toString() != SimulationQuery::orderByName(query.orderBy)
        || fields.at(1).toString() != direction(query)) {
        *problem = u"the cursor belongs to order_by=%1&order=%2: repeat them, or start again "
                   "without after"_s.arg(fields.at(0).toString(), fields.at(1).toString());
        return std::nullopt;
    }
    bool idOk = false;
    SimulationCursor cursor;
    cursor.id = fields.at(3).toString().toLongLong(&idOk);
    const QString key = fields.at(2).toString();
    bool keyOk = true;
    if (query.orderBy == SimulationQuery::OrderBy::Progress) {
        key.toDouble(&keyOk);
        cursor.key = key; // the database reads its own digits
    } else if (isDoubleKey(query.orderBy)) {
        cursor.key = key.toDouble(&keyOk);
    } else if (isTextKey(query.orderBy)) {
        cursor.key = key;
    } else {
        cursor.key = key.toLongLong(&keyOk);
    }
    if (!idOk || !keyOk) {
        *problem = u"not a cursor of this API: use the after= of a Link header"_s;
        return std::nullopt;
    }
    return cursor;
}

} // namespace aisim::api
