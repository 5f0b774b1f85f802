#include "namesearch.h"

#include "database.h"
#include "logging.h"
#include "sqlsupport.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr qsizetype kTrigram = 3;
}

NameSearch::NameSearch(Database &database, const QString &text)
    : m_database(database)
    , m_folded(text.toCaseFolded())
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
    m_selective = false;
    if (!isIndexable())
        return success();
    QVariantList values;
    const QString matches = usesFts()
        ? u"SELECT 1 FROM simulation_names WHERE simulation_names MATCH ? LIMIT ?"_s
        : u"SELECT 1 FROM simulations WHERE name_folded LIKE ? ESCAPE '\\' LIMIT ?"_s;
    values << (usesFts() ? ftsPhrase() : m_pattern) << kIndexedMatches + 1;
    auto query = sql::run(m_database, u"SELECT COUNT(*) FROM ("_s + matches + u") AS matches"_s,
                          values, u"count name matches"_s);
    if (!query)
        return query.error();
    const auto found = sql::readOne(query.value(),
                                    [](const QSqlQuery &row) { return row.value(0).toLongLong(); });
    m_matches = found.value_or(0);
    m_selective = m_matches <= kIndexedMatches;
    return success();
}

QString NameSearch::source(QVariantList *values) const
{
    if (!usesFts() || !m_selective)
        return u"simulations"_s;
    // CROSS JOIN keeps SQLite from walking the order's index and probing the matches.
    values->append(ftsPhrase());
    return u"(SELECT rowid AS match_id FROM simulation_names WHERE simulation_names MATCH ?) "
           "AS name_matches CROSS JOIN simulations ON simulation_id = match_id"_s;
}

QString NameSearch::condition(QVariantList *values) const
{
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
