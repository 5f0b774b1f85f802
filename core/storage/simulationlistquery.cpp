#include "simulationlistquery.h"

#include "namesearch.h"

#include <QStringList>

#include <algorithm>

#include <limits>

using namespace Qt::StringLiterals;

namespace aisim {

SimulationListQuery::SimulationListQuery(const SimulationQuery &query, bool postgreSql,
                                         const NameSearch *nameSearch)
    : m_query(query)
    , m_postgreSql(postgreSql)
    , m_nameSearch(nameSearch && !nameSearch->isEmpty() ? nameSearch : nullptr)
{ }

QString SimulationListQuery::orderExpression(SimulationQuery::OrderBy orderBy)
{
    switch (orderBy) {
    case SimulationQuery::OrderBy::Duration:
        // Time spent running so far; runs that never started sort as zero.
        return u"COALESCE(COALESCE(finished_at, update_date) - started_at, 0)"_s;
    case SimulationQuery::OrderBy::Progress:
        return u"(points_done * 1.0 / points_total)"_s;
    case SimulationQuery::OrderBy::UpdateDate:
        return u"update_date"_s;
    case SimulationQuery::OrderBy::Name:
        return u"name_key"_s;
    case SimulationQuery::OrderBy::Id:
        return u"simulation_id"_s;
    case SimulationQuery::OrderBy::Status:
        // The lifecycle's order.
        return u"(CASE status WHEN 'pending' THEN 0 WHEN 'running' THEN 1 WHEN 'finished' THEN 2 "
               "WHEN 'failed' THEN 3 ELSE 4 END)"_s;
    case SimulationQuery::OrderBy::Machine:
        return u"machine_id"_s;
    case SimulationQuery::OrderBy::FinalLoss: // runs without points last (migration 006)
        return u"COALESCE(final_loss, 1e308)"_s;
    case SimulationQuery::OrderBy::BestLoss:
        return u"COALESCE(best_loss, 1e308)"_s;
    case SimulationQuery::OrderBy::Rate:
        return u"COALESCE(loss_rate, 1e308)"_s;
    case SimulationQuery::OrderBy::Verdict:
        return u"verdict"_s;
    case SimulationQuery::OrderBy::CreationDate:
        break;
    }
    return u"creation_date"_s;
}

QString SimulationListQuery::everyKeyCondition(SimulationQuery::OrderBy orderBy, bool postgreSql)
{
    switch (orderBy) {
    case SimulationQuery::OrderBy::Status:
        // The places orderExpression() gives.
        return orderExpression(orderBy) + u" IN (0, 1, 2, 3, 4)"_s;
    case SimulationQuery::OrderBy::Machine:
        // Every run's machine is one of the machines (a foreign key). An array on PostgreSQL,
        // whose index scan then yields each machine's runs in turn, in the order; a list
        // under IN would be joined to the table.
        return postgreSql ? u"machine_id = ANY(ARRAY(SELECT machine_id FROM machines))"_s
                          : u"machine_id IN (SELECT machine_id FROM machines)"_s;
    default:
        return QString();
    }
}

SimulationQuery::OrderBy SimulationListQuery::effectiveOrder() const
{
    if ((m_query.orderBy == SimulationQuery::OrderBy::Status && m_query.status)
        || (m_query.orderBy == SimulationQuery::OrderBy::Machine && m_query.machineId)
        || (m_query.orderBy == SimulationQuery::OrderBy::Verdict && m_query.verdict))
        return SimulationQuery::OrderBy::Id;
    return m_query.orderBy;
}

QString SimulationListQuery::orderClause(const SimulationQuery &query)
{
    const SimulationListQuery list(query, false);
    const SimulationQuery::OrderBy order = list.effectiveOrder();
    const QString direction = query.descending ? u" DESC"_s : QString();
    if (order == SimulationQuery::OrderBy::Id)
        return u"simulation_id"_s + direction;
    return orderExpression(order) + direction + u", simulation_id"_s + direction;
}

QStringList SimulationListQuery::filterConditions(const SimulationQuery &query,
                                                  QVariantList *values)
{
    QStringList conditions;
    if (query.status) {
        conditions << u"status = ?"_s;
        values->append(statusName(*query.status));
    }
    if (query.machineId) {
        conditions << u"machine_id = ?"_s;
        values->append(*query.machineId);
    }
    if (query.verdict) {
        conditions << u"verdict = ?"_s;
        values->append(verdictName(*query.verdict));
    }
    return conditions;
}

QString SimulationListQuery::conditions(QVariantList *values, NameSearch::Use use) const
{
    QStringList conditions = filterConditions(m_query, values);
    if (m_nameSearch) {
        if (const QString name = m_nameSearch->condition(values, use); !name.isEmpty())
            conditions << name;
    }
    return conditions.join(u" AND "_s);
}

QString SimulationListQuery::where(QVariantList *values) const
{
    const QString filters = conditions(values, NameSearch::Use::Count);
    return filters.isEmpty() ? QString() : u" WHERE "_s + filters;
}

QString SimulationListQuery::from(QVariantList *values, qint64 bound,
                                  const NameSearch::MatchWindow *window) const
{
    return u" FROM "_s
        + (m_nameSearch ? m_nameSearch->source(values, bound, window) : u"simulations"_s);
}

// The cursor's key as the expression's type: progress is a fraction, numeric on PostgreSQL
// (the cursor holds its text) and a double on SQLite (bound as one, so that the index serves
// the comparison).
QString SimulationListQuery::boundKey() const
{
    if (effectiveOrder() == SimulationQuery::OrderBy::Progress && m_postgreSql)
        return u"CAST(? AS NUMERIC)"_s;
    return u"?"_s;
}

QVariant SimulationListQuery::cursorKey() const
{
    const QVariant &key = m_query.after->key;
    const SimulationQuery::OrderBy order = effectiveOrder();
    if (order == SimulationQuery::OrderBy::Progress && !m_postgreSql)
        return key.toDouble();
    // The loss statistics are doubles on both dialects (SQLite would compare text as greater
    // than any number).
    if (order == SimulationQuery::OrderBy::FinalLoss || order == SimulationQuery::OrderBy::BestLoss
        || order == SimulationQuery::OrderBy::Rate)
        return key.toDouble();
    return key;
}

QList<SqlStatement> SimulationListQuery::selects(const QString &columns, qint64 limit) const
{
    const SimulationQuery::OrderBy order = effectiveOrder();
    const QString key = orderExpression(order);
    // A fraction goes into a cursor with every digit: PostgreSQL's numeric as text.
    const bool fraction = order == SimulationQuery::OrderBy::Progress;
    const QString keyed = u"SELECT "_s + columns + u", "_s
        + (fraction && m_postgreSql ? u"CAST("_s + key + u" AS TEXT)"_s : key);
    const QString select = keyed + (countsEveryMatch() ? u", COUNT(*) OVER ()"_s : QString());
    // On PostgreSQL a page deep among the matches it counts sorts and counts their ids and keys
    // alone, then reads its own rows by id: every matching row carried whole through the count
    // and the sort of the offset's rows cost a third more (at a million runs, 042's 14,000
    // matches by name at offset 2,000: 21.7-23.5 against 15.4 ms in psql). A first page gains
    // less than the join costs to plan (0424, 1,300 matches: 1.67 against 1.92 ms).
    const bool countsIdsFirst = m_postgreSql && countsEveryMatch();
    const QString direction = m_query.descending ? u" DESC"_s : QString();
    const QString after = m_query.descending ? u" < "_s : u" > "_s;
    const qint64 rows = limit >= 0 ? limit : std::numeric_limits<qint64>::max();

    // On PostgreSQL, a walk that checks names in an index that holds them finds the page's ids
    // in that index alone (an index-only scan), then reads their rows. SQLite tests the names
    // in the index before it looks up a row by itself, but where the walk seeks a range of ids
    // under each key it would rather read that range by the primary key and sort it, once
    // ANALYZE has counted the runs of each key (at a million runs, two machines: 28 ms against
    // 3): there too the page's ids come first, from the index alone.
    const bool idsFirst = walksIndexedNames();

    QList<SqlStatement> statements;
    // A page after a cursor at or past the walk's first key is bounded by the cursor alone.
    const NameSearch::Use walk
        = m_query.after && m_nameSearch && m_nameSearch->walkFromPassedBy(cursorKey())
        ? NameSearch::Use::WalkFromCursor
        : NameSearch::Use::Walk;
    const qint64 bound = everyMatchBound();
    const auto add = [&](const QString &range, const QVariantList &rangeValues,
                         const QString &orderBy, qint64 offset, bool counted = false,
                         const NameSearch::MatchWindow *window = nullptr) {
        SqlStatement statement;
        const QString fromClause = from(&statement.values, bound, window);
        QString filters = conditions(&statement.values, walk);
        if (!range.isEmpty()) {
            filters += (filters.isEmpty() ? QString() : u" AND "_s) + range;
            statement.values += rangeValues;
        }
        const QString rowsRead
            = fromClause + (filters.isEmpty() ? QString() : u" WHERE "_s) + filters;
        const QString page = rowsRead + u" ORDER BY "_s + orderBy + u" LIMIT ? OFFSET ?"_s;
        if (countsIdsFirst && offset >= NameSearch::kPageRows) {
            statement.text = keyed
                + u", every_match FROM simulations JOIN (SELECT simulation_id, "
                  "COUNT(*) OVER () AS every_match"_s
                + page + u") AS page USING (simulation_id) ORDER BY "_s + orderBy;
        } else {
            statement.text = select
                + (idsFirst ? u" FROM simulations WHERE simulation_id IN (SELECT simulation_id"_s
                           + page + u") ORDER BY "_s + orderBy
                            : page);
        }
        if (counted) {
            Q_ASSERT(bound == 0); // a walk's spans: no match read whole
            statement.countText = u"SELECT COUNT(*)"_s + rowsRead;
        }
        statement.values << rows << offset;
        statements << statement;
    };
    // The name index's matches in id order are the creation order (NameSearch::planPage).
    const bool matchOrder = m_nameSearch && m_nameSearch->readsMatchesInIdOrder();
    const QString byId = (matchOrder ? u"match_id"_s : u"simulation_id"_s) + direction;
    const QString byKey = order == SimulationQuery::OrderBy::Id || matchOrder
        ? byId
        : key + direction + u", simulation_id"_s + direction;
    // A walk confined to the spans of the order's key where the name may be (walkSpans), one
    // statement a span in the page's direction, past the cursor (and its ties, in creation
    // order).
    const QList<NameSearch::MatchWindow> windows
        = m_nameSearch ? m_nameSearch->matchWindows() : QList<NameSearch::MatchWindow>();
    // PostgreSQL: the rows past the cursor's, by the row of the order's key and the id.
    const auto pastCursorRow = [&]() -> QString {
        return u"("_s + key + u", simulation_id)"_s + after + u"("_s + boundKey() + u", ?)"_s;
    };
    if (!windows.isEmpty()) {
        // Windows of ids in the page's direction, which start past the cursor
        // (NameSearch::matchWindows); in creation order whole blocks, the cursor's among them.
        QString range = u"simulation_id BETWEEN ? AND ?"_s;
        QVariantList cursor;
        if (m_query.after && order != SimulationQuery::OrderBy::Id) {
            range += u" AND "_s + pastCursorRow();
            cursor = {cursorKey(), m_query.after->id};
        }
        for (const NameSearch::MatchWindow &window : windows) {
            add(range, QVariantList {window.ids.first, window.ids.last} + cursor, byKey,
                m_query.after ? 0 : m_query.offset, true, &window);
        }
    } else if (const auto *spans = walkSpans()) {
        QVariant cursorKey;
        if (m_query.after && order == SimulationQuery::OrderBy::Id) {
            cursorKey = m_query.after->id;
        } else if (m_query.after) {
            cursorKey = this->cursorKey();
            add(key + u" = ? AND simulation_id"_s + after + u'?', {cursorKey, m_query.after->id},
                byId, 0);
        }
        const qint64 from = cursorKey.isValid() ? cursorKey.toLongLong() : 0;
        QList<NameSearch::KeySpan> walked = **spans;
        if (m_query.descending)
            std::reverse(walked.begin(), walked.end());
        for (const NameSearch::KeySpan &span : std::as_const(walked)) {
            if (cursorKey.isValid()
                && (m_query.descending ? span.first >= from : span.last <= from))
                continue; // wholly behind the cursor
            QString range = key + u" BETWEEN ? AND ?"_s;
            QVariantList rangeValues {span.first, span.last};
            if (cursorKey.isValid()) {
                range += u" AND "_s + key + after + u'?';
                rangeValues << cursorKey;
            }
            add(range, rangeValues, byKey, cursorKey.isValid() ? 0 : m_query.offset, true);
        }
    } else if (!m_query.after) {
        // Matches in blocks left out of the name's spans come before the page.
        add(QString(), {}, byKey,
            m_query.offset - (m_nameSearch ? m_nameSearch->rowsPassedOver() : 0));
    } else if (matchOrder) {
        add(u"match_id"_s + after + u'?', {m_query.after->id}, byId, 0);
    } else if (order == SimulationQuery::OrderBy::Id) {
        add(u"simulation_id"_s + after + u'?', {m_query.after->id}, byId, 0);
    } else {
        const QVariant cursorKey = this->cursorKey();
        if (m_postgreSql) {
            // One range of the order's index: PostgreSQL bounds an index scan by the row of its
            // columns (the key, then the id), one statement and round trip fewer than SQLite's.
            add(pastCursorRow(), {cursorKey, m_query.after->id}, byKey, 0);
        } else {
            add(key + u" = "_s + boundKey() + u" AND simulation_id"_s + after + u'?',
                {cursorKey, m_query.after->id}, byId, 0);
            add(key + after + boundKey(), {cursorKey}, byKey, 0);
        }
    }
    return statements;
}

bool SimulationListQuery::orderIndexHoldsNames() const
{
    switch (effectiveOrder()) {
    case SimulationQuery::OrderBy::CreationDate:
        // simulations_creation_idx, _status_creation_idx, _machine_creation_idx,
        // _machine_status_creation_idx, _verdict_creation_idx.
        return !m_query.verdict || (!m_query.status && !m_query.machineId);
    case SimulationQuery::OrderBy::Name:
        // simulations_name_key_idx, _status_name_idx, _machine_name_idx,
        // _machine_status_name_idx.
    case SimulationQuery::OrderBy::UpdateDate:
        // simulations_update_idx, _status_update_idx, _machine_update_idx,
        // _machine_status_update_idx (migration 025).
    case SimulationQuery::OrderBy::Status:
        // simulations_status_rank_idx, _machine_rank_idx (migration 026).
    case SimulationQuery::OrderBy::Machine:
        // simulations_machine_order_idx (SQLite: _machine_idx), _status_machine_idx (026).
        return !m_query.verdict;
    case SimulationQuery::OrderBy::Id:
        // PostgreSQL, under a status or a machine (the status or the machine order under its
        // own filter): simulations_status_order_idx (migration 034), _machine_order_idx,
        // _status_machine_idx (026).
        return m_postgreSql && (m_query.status || m_query.machineId) && !m_query.verdict;
    default:
        return false;
    }
}

bool SimulationListQuery::walksIndexedNames() const
{
    if (!m_nameSearch || !m_nameSearch->walksNames() || !orderIndexHoldsNames())
        return false;
    return m_postgreSql || !m_nameSearch->walkKeys().isEmpty();
}

const std::optional<QList<NameSearch::KeySpan>> *SimulationListQuery::walkSpans() const
{
    // NameSearch::planPage() gives spans only to a walk in creation or id order.
    return m_nameSearch && m_nameSearch->walkSpans() ? &m_nameSearch->walkSpans() : nullptr;
}

bool SimulationListQuery::offsetSpansStatements() const
{
    const bool spread = walkSpans() || (m_nameSearch && !m_nameSearch->matchWindows().isEmpty());
    return spread && !m_query.after && m_query.offset > 0;
}

bool SimulationListQuery::countsEveryMatch() const
{
    return m_nameSearch && m_nameSearch->readsEveryMatch() && !m_query.after
        && !(!m_query.filtersBesidesName() && m_nameSearch->matchesCounted());
}

qint64 SimulationListQuery::everyMatchBound() const
{
    return countsEveryMatch() ? m_nameSearch->everyMatchBound(m_query) : 0;
}

SqlStatement SimulationListQuery::count() const
{
    SqlStatement statement;
    const QString fromClause = from(&statement.values);
    statement.text = u"SELECT COUNT(*)"_s + fromClause + where(&statement.values);
    return statement;
}

} // namespace aisim
