#pragma once

#include "namesearch.h"
#include "simulationquery.h"

#include <QString>
#include <QVariantList>

#include <optional>

namespace aisim {

// One SQL statement and its bound values.
struct SqlStatement
{
    QString text;
    QVariantList values;
    // A statement of a walk over spans (NameSearch::walkSpans) or of a window of ids
    // (NameSearch::matchWindows): counts the rows it reads
    // without its LIMIT and OFFSET (its values but the last two), for an offset that reaches
    // past them.
    QString countText = {};
};

// The SQL of a list of simulations: filters, order and keyset paging, written so that an index
// serves each combination the API and the window offer (migration 008). A page after a cursor
// is one range of the order's index on PostgreSQL, bounded by the row (key, id); on SQLite two,
// the rest of the cursor's ties (same key, following ids), then the rows of the following keys.
class SimulationListQuery
{
public:
    SimulationListQuery(const SimulationQuery &query, bool postgreSql,
                        const NameSearch *nameSearch = nullptr);

    // The statements that read the rows, in order: the rows of each follow the previous
    // statement's. Every row holds columns, then the sort key (then the count, with
    // countsEveryMatch). limit < 0: no limit. Each ends with LIMIT ? OFFSET ?.
    QList<SqlStatement> selects(const QString &columns, qint64 limit) const;
    // The query's offset is spread over the statements: each skips what the ones before it
    // left of it (their countText tells how many rows a statement that returned none held).
    bool offsetSpansStatements() const;
    // Counts the matching rows.
    SqlStatement count() const;
    // A page that reads every match of a name anyway (NameSearch::readsEveryMatch) counts
    // them too: each of its rows ends with their number, after the sort key. Not where the
    // name is the only filter and its probe counted its matches (NameSearch::matchesCounted):
    // SQLite's window that counts them cost more than the page (at a million runs, 042's
    // 14,000 matches by machine at offset 3,000: 24 of 40 ms in the shell).
    bool countsEveryMatch() const;
    // The matches such a page reads at most (NameSearch::everyMatchBound), 0 for all: where its
    // count reaches this, the page is planned again.
    qint64 everyMatchBound() const;
    // The filters alone ("" or " WHERE …"), as a count reads them.
    QString where(QVariantList *values) const;

    // What a row sorts by: the order, unless a filter makes it the same for every row (status
    // under a status filter): then the id alone.
    SimulationQuery::OrderBy effectiveOrder() const;
    // The SQL expression of an order's key; an index serves each.
    static QString orderExpression(SimulationQuery::OrderBy orderBy);
    // For an order of few keys (the status's place in the lifecycle, the machine), a condition
    // every run meets that lists each key: with it, a walk confined to a range of ids reads the
    // order's index from the range's first id under each key, rather than every entry of each
    // key outside the range. Empty for other orders.
    static QString everyKeyCondition(SimulationQuery::OrderBy orderBy, bool postgreSql);
    // The conditions of the query's status, machine and verdict filters, their values appended
    // to values.
    static QStringList filterConditions(const SimulationQuery &query, QVariantList *values);
    // What follows ORDER BY.
    static QString orderClause(const SimulationQuery &query);
    // The index a page walks holds each run's folded name (migrations 016, 022, 023, 025 and
    // 026): the creation order's, alone or under a status, a machine, both, or a verdict alone;
    // the name and the update order's, alone or under a status, a machine or both; the status
    // and the machine order's, alone or under the other filter. A walk that checks
    // names tests them there, and looks up only the rows that match.
    bool orderIndexHoldsNames() const;

private:
    // A walk that checks names in an index that holds them (orderIndexHoldsNames), which reads
    // the page's ids first: on PostgreSQL, and on SQLite where it seeks a range of ids under
    // each of the order's keys (NameSearch::walkKeys).
    bool walksIndexedNames() const;
    // The spans a walk of names in creation or id order is confined to
    // (NameSearch::walkSpans), where the page was planned with them.
    const std::optional<QList<NameSearch::KeySpan>> *walkSpans() const;
    QString conditions(QVariantList *values, NameSearch::Use use) const;
    QString boundKey() const;
    QVariant cursorKey() const;
    // bound, window: as NameSearch::source().
    QString from(QVariantList *values, qint64 bound = 0,
                 const NameSearch::MatchWindow *window = nullptr) const;

    SimulationQuery m_query;
    bool m_postgreSql;
    const NameSearch *m_nameSearch;
};

} // namespace aisim
