#include "namesearch.h"

#include "database.h"
#include "logging.h"
#include "simulationcounter.h"
#include "sqlsupport.h"

#include <algorithm>
#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr qsizetype kTrigram = 3;
} // namespace

qint64 NameSearch::indexedMatches(qint64 runs)
{
    return std::clamp(qint64(std::sqrt(25.0 * double(runs))), kMinIndexedMatches, kIndexedMatches);
}

NameSearch::NameSearch(Database &database, const QString &text, std::shared_ptr<NameProbe> memo)
    : m_database(database)
    , m_folded(text.toCaseFolded())
    , m_memo(std::move(memo))
{
    m_pattern = m_folded;
    m_pattern.replace(u'\\', u"\\\\"_s).replace(u'%', u"\\%"_s).replace(u'_', u"\\_"_s);
    m_pattern = u'%' + m_pattern + u'%';
}

bool NameSearch::isIndexable() const
{
    return m_folded.size() >= kTrigram;
}

bool NameSearch::usesFts() const
{
    return !m_database.isPostgreSql() && isIndexable();
}

// A quoted FTS5 string is one phrase: with the trigram tokenizer, the text as a substring.
QString NameSearch::ftsPhrase() const
{
    QString phrase = m_folded;
    return u'"' + phrase.replace(u'"', u"\"\""_s) + u'"';
}

Status NameSearch::probe()
{
    m_probe = NameProbe {m_folded, false, 0, 0};
    if (!isIndexable())
        return success();
    if (m_memo && m_memo->folded == m_folded && m_memo->threshold > 0) {
        m_probe = *m_memo;
        return success();
    }
    const Result<SimulationCount> runs = SimulationCounter(m_database).count({}, true);
    if (!runs)
        return runs.error();
    m_probe.threshold = indexedMatches(runs->runs);
    if (m_database.isPostgreSql()) {
        // Counting the matches of a common name would read its whole trigram posting list
        // (a GIN index stops at nothing): the planner's statistics tell it from a rare one.
        auto estimate = sql::runKept(m_database, u"SELECT simulation_name_matches_estimate(?)"_s,
                                     {m_pattern}, u"estimate name matches"_s);
        if (!estimate)
            return estimate.error();
        if (sql::readCount(*estimate.value()) > m_probe.threshold)
            return remember();
    }
    QVariantList values;
    const QString matches = usesFts()
        ? u"SELECT 1 FROM simulation_names WHERE simulation_names MATCH ? LIMIT ?"_s
        : u"SELECT 1 FROM simulations WHERE name_folded LIKE ? ESCAPE '\\' LIMIT ?"_s;
    values << (usesFts() ? ftsPhrase() : m_pattern) << m_probe.threshold + 1;
    // Not kept, as the lists (SimulationLister::forEachRow): its plan depends on the pattern.
    auto query = sql::run(m_database, u"SELECT COUNT(*) FROM ("_s + matches + u") AS matches"_s,
                          values, u"count name matches"_s);
    if (!query)
        return query.error();
    m_probe.matches = sql::readCount(query.value());
    m_probe.selective = m_probe.matches <= m_probe.threshold;
    return remember();
}

Status NameSearch::remember()
{
    if (m_memo)
        *m_memo = m_probe;
    return success();
}

QString NameSearch::source(QVariantList *values) const
{
    if (!isIndexable() || !m_probe.selective)
        return u"simulations"_s;
    if (m_database.isPostgreSql()) {
        // OFFSET 0 keeps the planner from folding the matches into the outer query, where it
        // could still walk the order's index.
        values->append(m_pattern);
        return u"(SELECT simulation_id AS match_id FROM simulations "
               "WHERE name_folded LIKE ? ESCAPE '\\' OFFSET 0) AS name_matches "
               "JOIN simulations ON simulation_id = match_id"_s;
    }
    // CROSS JOIN keeps SQLite from walking the order's index and probing the matches.
    values->append(ftsPhrase());
    return u"(SELECT rowid AS match_id FROM simulation_names WHERE simulation_names MATCH ?) "
           "AS name_matches CROSS JOIN simulations ON simulation_id = match_id"_s;
}

QString NameSearch::condition(QVariantList *values, Use use) const
{
    if (m_database.isPostgreSql()) {
        if (isIndexable() && m_probe.selective)
            return QString(); // the source's matches
        // A walk checks each name with a test the trigram index cannot serve, so that the
        // planner keeps to the order's index.
        if (use == Use::Walk) {
            values->append(m_folded);
            return u"strpos(name_folded, ?) > 0"_s;
        }
    }
    values->append(m_pattern);
    return u"name_folded LIKE ? ESCAPE '\\'"_s;
}

void NameSearch::checkIndex(Database &database)
{
    if (!database.isPostgreSql())
        return;
    auto query = sql::run(database,
                          u"SELECT 1 FROM pg_indexes WHERE tablename = 'simulations' "
                          "AND indexname = 'simulations_name_trgm_idx'"_s,
                          {}, u"look for the name search index"_s);
    if (query && !query.value().next())
        qCWarning(lcStorage) << "the extension pg_trgm was not available when the database was "
                                "set up: name search reads the whole table";
}

Status NameSearch::tidyIndex(Database &database)
{
    if (database.isPostgreSql())
        return success();
    // A negative page count merges segments of any level, as an optimize would, a step at a time.
    sql::Transaction transaction(database);
    if (!transaction.isActive())
        return transaction.beginError();
    if (const auto merged = sql::change(database,
                                        u"INSERT INTO simulation_names (simulation_names, rank) "
                                        "VALUES ('merge', ?)"_s,
                                        {-kTidyPages}, u"tidy the name index"_s);
        !merged)
        return merged.error();
    return transaction.commit();
}

} // namespace aisim
