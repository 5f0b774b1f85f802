#pragma once

#include "result.h"

#include <QString>
#include <QVariantList>

namespace aisim {

class Database;

// How a "name contains" filter is answered. The names are stored folded (every script); the
// text searched for is folded the same way, and a plain LIKE over the folded names is always
// the reference. A trigram index finds the candidates of texts of three characters or more:
// FTS5 (table simulation_names) on SQLite, pg_trgm's GIN index on PostgreSQL, which the
// planner uses for the same LIKE by itself.
class NameSearch
{
public:
    // Beyond this many matches a search is answered by walking the order's index and checking
    // each name: a page of matches comes sooner than from the whole list of matches.
    static constexpr qint64 kIndexedMatches = 10'000;

    NameSearch(Database &database, const QString &text);

    bool isEmpty() const { return m_folded.isEmpty(); }
    // The LIKE pattern of the folded text, wildcards escaped with a backslash.
    const QString &likePattern() const { return m_pattern; }
    // Three characters or more: the trigram index can find the matches.
    bool isIndexable() const;
    // Counts the matches of an indexable name alone through the index, up to
    // kIndexedMatches + 1; decides the plan. Shorter texts are not probed (no index to ask):
    // they are matched while walking the order's index.
    Status probe();
    // Known after probe(): at most kIndexedMatches runs match the name.
    bool isSelective() const { return m_selective; }
    // Known after probe() of a selective search: how many runs the name alone matches.
    qint64 selectiveMatches() const { return m_matches; }
    // The condition on the simulations table, with its values appended to values.
    QString condition(QVariantList *values) const;
    // The FROM clause: the table alone, or the index's matches joined to it.
    QString source(QVariantList *values) const;

    // Says in the log when the trigram index is missing and searches read the table.
    static void checkIndex(Database &database);
    // SQLite's trigram index gains a segment with every transaction that adds names, and a
    // search reads every segment. Merges at most kTidyPages pages of them, so that a
    // long-lived index drifts towards one segment without the pause of a full optimize.
    // PostgreSQL's index is kept by autovacuum: nothing to do there.
    static Status tidyIndex(Database &database);
    static constexpr int kTidyPages = 200;

private:
    bool usesFts() const;
    QString ftsPhrase() const;

    Database &m_database;
    QString m_folded;
    QString m_pattern;
    bool m_selective = false;
    qint64 m_matches = 0;
};

} // namespace aisim
