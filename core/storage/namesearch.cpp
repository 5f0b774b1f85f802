#include "namesearch.h"

#include "database.h"
#include "logging.h"
#include "simulationblocks.h"
#include "simulationcounter.h"
#include "simulationlistquery.h"
#include "sqlsupport.h"

#include <QCache>
#include <QElapsedTimer>
#include <QMutex>
#include <QSet>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
constexpr qsizetype kTrigram = 3;

// The LIKE pattern of names that contain a word (NameSearch::words: letters and digits alone,
// nothing to escape).
QString containsWord(const QString &word)
{
    return u'%' + word + u'%';
}

// A word of three characters (NameSearch::words) as it stands in the text, with the character on
// each side of it where there is one: a separator, since words are the runs of letters and
// digits. One trigram is in many names by chance; FTS5's trigrams that span the separator tie
// the word to its place in the names, and leave fewer candidates to check. At a million runs
// named "run 1" … "run 1000000", "run 424" asks for " 424", which the 1,111 names that match
// hold, where "424" alone is in 3,979 (a page newest first: 6.3 ms against 1.0). A longer word
// is several trigrams, in few names by chance: there the separator's trigram would only add
// its list of runs to read ("run-0424" at a million runs named run-0000001 …: 1.2 ms against
// 1.8 with "-0424").
QString withNeighbours(const QString &text, const QString &word)
{
    if (word.size() != kTrigram)
        return word;
    for (qsizetype at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
        const qsizetype end = at + word.size();
        if ((at == 0 || !text.at(at - 1).isLetterOrNumber())
            && (end == text.size() || !text.at(end).isLetterOrNumber())) {
            // A character beyond the basic plane (an emoji) is two code units: both, or a
            // phrase with half of one would match no name.
            qsizetype from = std::max<qsizetype>(at - 1, 0);
            if (from < at && text.at(from).isLowSurrogate() && from > 0)
                --from;
            qsizetype to = std::min(end + 1, text.size());
            if (to > end && text.at(end).isHighSurrogate() && to < text.size())
                ++to;
            return text.mid(from, to - from);
        }
    }
    return word;
}

// The estimates of a text kept for the next searches (NameSearch::kEstimatesLifetimeMs).
struct KeptEstimates
{
    QElapsedTimer age;
    qint64 runs = 0;
    qint64 estimate = -1;
    bool wordsChosen = false;
    QStringList indexWords;
    // On SQLite the newest matches the probe counted stand for themselves in the share: it is
    // taken by a probe that counted as far (NameProbe::counted).
    double share = -1.0;
    qint64 shareCounted = 0;
    // PostgreSQL: NameProbe::learnt.
    qint64 learnt = -1;

    bool freshFor(qint64 runsNow) const
    {
        return age.elapsed() < NameSearch::kEstimatesLifetimeMs
            && std::abs(double(runsNow - runs)) <= NameSearch::kEstimatesDrift * double(runs);
    }
};

// By the database's instance and the folded text.
using KeptEstimatesKey = QPair<quint64, QString>;
QMutex s_keptEstimatesMutex;
QCache<KeptEstimatesKey, KeptEstimates> s_keptEstimates(NameSearch::kKeptTexts);

// The estimates kept for a text, where they are fresh for the table's runs now; the caller
// holds s_keptEstimatesMutex.
const KeptEstimates *freshKeptEstimates(const KeptEstimatesKey &key, qint64 runsNow)
{
    const KeptEstimates *kept = s_keptEstimates.object(key);
    return kept && kept->freshFor(runsNow) ? kept : nullptr;
}
} // namespace

double NameSearch::walkedPerMatch(bool namesInWalk)
{
    // A match costs 1.25 rows looked up; a walked entry that holds the name a tenth of one.
    return namesInWalk ? 1.25 * kIndexedNameCost : 4.0;
}

qint64 NameSearch::indexedMatches(qint64 runs, bool namesInWalk, qint64 pageRows)
{
    const qint64 rows = std::max<qint64>(pageRows, kPageRows);
    return std::clamp(qint64(std::sqrt(double(rows) / walkedPerMatch(namesInWalk) * double(runs))),
                      kMinIndexedMatches, kIndexedMatches * rows / kPageRows);
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

bool NameSearch::trigramIndexServes() const
{
    for (qsizetype at = 0; at < m_folded.size();) {
        if (!m_folded.at(at).isLetterOrNumber()) {
            ++at;
            continue;
        }
        qsizetype end = at;
        while (end < m_folded.size() && m_folded.at(end).isLetterOrNumber())
            ++end;
        const qsizetype padded = end - at + (at > 0 ? 2 : 0) + (end < m_folded.size() ? 1 : 0);
        if (padded >= kTrigram)
            return true;
        at = end;
    }
    return false;
}

bool NameSearch::usesFts() const
{
    return !m_database.isPostgreSql() && isIndexable();
}

// A quoted FTS5 string is one phrase: with the trigram tokenizer, the text as a substring.
QString NameSearch::ftsPhrase() const
{
    if (!m_probe.indexWords.isEmpty()) {
        QStringList phrases;
        for (QString word : m_probe.indexWords)
            phrases << u'"' + word.replace(u'"', u"\"\""_s) + u'"';
        return phrases.join(u" AND "_s);
    }
    QString phrase = m_folded;
    return u'"' + phrase.replace(u'"', u"\"\""_s) + u'"';
}

Status NameSearch::probe()
{
    return probeUpTo(Reach::Plan);
}

Status NameSearch::probeForCount()
{
    return probeUpTo(Reach::Count);
}

Status NameSearch::probeUpTo(Reach reach)
{
    if (!isIndexable()) {
        m_probe = NameProbe {m_folded};
        return success();
    }
    // A text the trigram index has no trigram of is read in the blocks that may hold it.
    std::optional<qint64> holdingRuns;
    if (m_database.isPostgreSql() && !trigramIndexServes()) {
        const Result<qint64> found = findBlocksHoldingText();
        if (!found)
            return found.error();
        holdingRuns = found.value();
    }
    // A probe that counted as far as this one would is known already: a plan's with the same
    // threshold (a walk's index may hold the names or not), and for a count any probe that
    // counted all the matches or as many as a count would. On SQLite, whose probe counts, a
    // plan's with another threshold tells this one's where it counted every match, no more
    // than this threshold, or more matches than it: a page placed by an offset, or read group
    // by group, plans with the threshold of each statement's rows (at a million runs, 0.5 ms
    // to count 042's newest matches again and 1 ms to sample its share, for each).
    const bool namesInWalk = reach == Reach::Plan && m_namesInWalk;
    if (m_memo && m_memo->folded == m_folded && m_memo->threshold > 0) {
        const qint64 threshold = indexedMatches(m_memo->runs, namesInWalk, m_pageRows);
        const bool known = reach == Reach::Count
            ? m_memo->matches >= 0
                && (m_memo->countedAll()
                    || m_memo->counted >= std::min(indexedMatches(m_memo->runs), kCountedMatches))
            : (m_memo->threshold == threshold && m_memo->counted >= m_memo->threshold)
                || (usesFts() && m_memo->matches >= 0
                    && (m_memo->countedAll() ? m_memo->matches <= threshold
                                             : m_memo->counted >= threshold));
        if (known) {
            m_probe = *m_memo;
            if (reach == Reach::Plan)
                m_probe.threshold = threshold;
            return success();
        }
    }
    const bool memoOfText = m_memo && m_memo->folded == m_folded;
    const qint64 newestMatch = memoOfText ? m_memo->newestMatch : 0;
    const qint64 learnt = std::max(memoOfText ? m_memo->learnt : -1, m_learnt);
    m_probe = NameProbe {m_folded};
    m_probe.newestMatch = newestMatch;
    m_probe.learnt = learnt;
    if (const Status read = readRuns(); !read)
        return read;
    m_probe.threshold
        = indexedMatches(m_probe.runs, namesInWalk, reach == Reach::Plan ? m_pageRows : kPageRows);
    m_probe.counted
        = reach == Reach::Plan ? m_probe.threshold : std::min(m_probe.threshold, kCountedMatches);
    takeKeptEstimates();
    if (m_database.isPostgreSql()) {
        // Counting the matches of a common name would read its whole trigram posting list
        // (a GIN index stops at nothing): the planner's statistics tell it from a rare one.
        // A text of three characters is counted exactly by the blocks (matchesFromBlocks), in
        // about the time the planner's estimate takes: its pages are planned on its count, and
        // its share needs no sample. At a million runs the planner counts 424, in 3,979 names,
        // at its floor (100), and its page by status read and sorted every match (6.5 ms).
        if (m_probe.estimate < 0) {
            const Result<std::optional<qint64>> counted = matchesFromBlocks();
            if (!counted)
                return counted.error();
            if (counted.value()) {
                m_probe.estimate = *counted.value();
                if (m_probe.runs > 0)
                    m_probe.share = std::min(1.0, double(m_probe.estimate) / double(m_probe.runs));
            }
        }
        if (m_probe.estimate < 0) {
            auto estimate
                = sql::runKept(m_database, u"SELECT simulation_name_matches_estimate(?)"_s,
                               {m_pattern}, u"estimate name matches"_s);
            if (!estimate)
                return estimate.error();
            m_probe.estimate = sql::readCount(*estimate.value());
        }
        // The planner's count of a pattern it has no trigram of is a guess; its blocks' runs
        // bound it (none: no match).
        if (holdingRuns)
            m_probe.estimate = std::min(m_probe.estimate, *holdingRuns);
        if (const Status chosen = chooseIndexWords(); !chosen)
            return chosen;
        const qint64 expected = m_learntApplies ? plannedMatches() : m_probe.estimate;
        if (expected > m_probe.threshold) {
            m_probe.matches = m_probe.counted + 1; // as if counted: more than the reach
            return remember();
        }
        // Few expected: the page reads them all through the index, and counts them on the
        // way; counting them here would read the index once more.
        if (reach == Reach::Plan) {
            m_probe.matches = -1;
            return remember();
        }
    }
    if (usesFts()) {
        if (const Status chosen = chooseIndexWords(); !chosen)
            return chosen;
        // A share kept for the text (by a count, which counts fewer) that puts its matches well
        // beyond the plan's threshold tells the plan what counting them would: the page walks.
        // Near the threshold either plan costs about the same, so an estimate off by a little
        // costs little. At a million runs, counting the 5,001 newest matches of run-09 took
        // 0.8-1.1 ms of each page (a count still counts, and keeps its share).
        if (reach == Reach::Plan) {
            if (const std::optional<double> share = keptShare(); share
                && *share * double(m_probe.runs)
                    >= kSparedCountFactor * double(m_probe.counted + 1)) {
                m_probe.matches = m_probe.counted + 1; // as if counted: more than the reach
                return remember();
            }
        }
        // The newest matches, which FTS5 yields in id order; the last one's id also tells how
        // densely the name matches among the newest runs (estimatedShare). Where a page found
        // the newest match, they are read from there. Where the index is asked for some words
        // only, each candidate's name is checked.
        const qint64 from
            = m_probe.newestMatch > 0 ? m_probe.newestMatch : std::numeric_limits<qint64>::max();
        const bool checked = !m_probe.indexWords.isEmpty();
        QVariantList values {ftsPhrase(), from};
        if (checked)
            values << m_pattern;
        values << m_probe.counted + 1;
        // Counted in the statement: thousands of ids are not worth a row each to the caller.
        auto newest = sql::readKept(
            m_database,
            u"SELECT COUNT(*), MIN(match_id) FROM (SELECT match_id FROM (SELECT rowid AS match_id "
            "FROM simulation_names WHERE simulation_names MATCH ? AND rowid <= ?) AS name_matches"_s
                + (checked ? u" CROSS JOIN simulations ON simulation_id = match_id "
                             "WHERE name_folded LIKE ? ESCAPE '\\'"_s
                           : QString())
                + u" ORDER BY match_id DESC LIMIT ?) AS newest"_s,
            values, u"count name matches"_s);
        if (!newest)
            return newest.error();
        sql::KeptRows &counted = newest.value();
        if (!counted.next())
            return Error::internal(u"counting name matches returned nothing"_s);
        m_probe.matches = counted.value(0).toLongLong();
        m_probe.lowestNewestMatch = counted.value(1).toLongLong(); // NULL: none, 0
    } else {
        // Its plan depends on the pattern, as a list's does.
        QVariantList values;
        const QString matches = matchCondition(&values);
        values << m_probe.counted + 1;
        auto query = sql::runValueDependent(m_database,
                                            u"SELECT COUNT(*) FROM (SELECT 1 FROM simulations "
                                            "WHERE "_s
                                                + matches + u" LIMIT ?) AS matches"_s,
                                            values, u"count name matches"_s);
        if (!query)
            return query.error();
        m_probe.matches = sql::readCount(*query.value());
    }
    return remember();
}

Status NameSearch::readRuns()
{
    const Result<SimulationCount> runs = SimulationCounter(m_database).count({}, true);
    if (!runs)
        return runs.error();
    m_probe.runs = runs->runs;
    return success();
}

Status NameSearch::chooseIndexWords()
{
    if (m_probe.wordsChosen)
        return success();
    if (m_memo && m_memo->folded == m_folded && m_memo->wordsChosen) {
        m_probe.indexWords = m_memo->indexWords;
        m_probe.wordsChosen = true;
        return success();
    }
    const QStringList words = this->words();
    // A text of one word is asked of the index whole: nothing to estimate. The words' shares
    // are kept against the table's runs, read here where no probe read them (a page in id order
    // on SQLite).
    if (words.size() >= 2) {
        if (m_probe.runs <= 0) {
            if (const Status read = readRuns(); !read)
                return read;
        }
        takeKeptEstimates();
        if (!m_probe.wordsChosen) {
            const Result<QList<double>> shares = wordShares(words);
            if (!shares)
                return shares.error();
            QStringList rare;
            for (qsizetype i = 0; i < words.size(); ++i) {
                if (shares->value(i) <= kCommonWordShare) {
                    // pg_trgm reads a separator as the start of a word: before "0424" that asks
                    // for every name with a word beginning with 0; FTS5 reads it as it stands.
                    rare << (usesFts() ? withNeighbours(m_folded, words.at(i)) : words.at(i));
                }
            }
            if (!rare.isEmpty() && rare.size() < words.size())
                m_probe.indexWords = rare;
            m_probe.wordsChosen = true;
            keepEstimates();
        }
    }
    m_probe.wordsChosen = true;
    if (m_memo) {
        if (m_memo->folded != m_folded)
            *m_memo = NameProbe {m_folded};
        m_memo->indexWords = m_probe.indexWords;
        m_memo->wordsChosen = true;
    }
    return success();
}

QStringList NameSearch::words() const
{
    QStringList words;
    QString word;
    for (const QChar c : QString(m_folded + u' ')) {
        if (c.isLetterOrNumber()) {
            word += c;
        } else {
            if (word.size() >= kTrigram)
                words << word;
            word.clear();
        }
    }
    words.removeDuplicates();
    return words;
}

Result<QList<double>> NameSearch::wordShares(const QStringList &words) const
{
    QStringList patterns;
    for (const QString &word : words)
        patterns << containsWord(word);
    QList<double> shares(words.size(), 0.0);
    if (m_database.isPostgreSql()) {
        if (m_probe.runs <= 0)
            return shares;
        QStringList estimates;
        QVariantList values;
        for (const QString &pattern : std::as_const(patterns)) {
            estimates << u"simulation_name_matches_estimate(?)"_s;
            values << pattern;
        }
        auto estimated = sql::runKept(m_database, u"SELECT "_s + estimates.join(u", "_s), values,
                                      u"estimate name matches"_s);
        if (!estimated)
            return estimated.error();
        const auto read = sql::readOne(*estimated.value(), [&](const QSqlQuery &row) {
            for (qsizetype i = 0; i < shares.size(); ++i)
                shares[i] = double(row.value(int(i)).toLongLong()) / double(m_probe.runs);
            return true;
        });
        if (!read)
            return Error::internal(u"estimating name matches returned nothing"_s);
        return shares;
    }
    const auto span = idSpan();
    if (!span)
        return span.error();
    if (!span.value())
        return shares; // no runs
    const Result<Sample> sample
        = sampleIds(span.value()->first, span.value()->second, patterns, kWordWindows, 1);
    if (!sample)
        return sample.error();
    for (qsizetype i = 0; i < shares.size(); ++i)
        shares[i] = sample->share(i);
    return shares;
}

QString NameSearch::matchCondition(QVariantList *values, bool inBlocks) const
{
    if (m_holdingSpans) {
        if (m_holdingSpans->isEmpty())
            return u"FALSE"_s;
        const QString ranges = spansCondition(u"simulation_id"_s, *m_holdingSpans, values);
        values->append(m_folded);
        return ranges + u" AND strpos(name_folded, ?) > 0"_s;
    }
    // In blocks, a pattern the planner cannot read: at its statistics' floor (at a million runs
    // 100 for 555, in 3,700 names) it reads every match from the names' key alone and drops
    // the blocks' for a filter on each (2.4 against 0.6 ms for 205 matches in 15 blocks). Not
    // seeing the pattern, it takes a share of the runs that the blocks narrow.
    const QString pattern = inBlocks ? u"(SELECT CAST(? AS TEXT))"_s : u"?"_s;
    if (m_probe.indexWords.isEmpty()) {
        values->append(m_pattern);
        return u"name_folded LIKE "_s + pattern + u" ESCAPE '\\'"_s;
    }
    QStringList tests;
    for (const QString &word : m_probe.indexWords) {
        tests << u"name_folded LIKE "_s + pattern;
        values->append(containsWord(word));
    }
    tests << u"strpos(name_folded, ?) > 0"_s;
    values->append(m_folded);
    return tests.join(u" AND "_s);
}

namespace {
// For each pattern, how many of the names (column name) match it.
QString matchSums(const QString &name, const QStringList &patterns, QVariantList *values)
{
    QStringList sums;
    for (const QString &pattern : patterns) {
        sums << u"SUM(CASE WHEN "_s + name + u" LIKE ? ESCAPE '\\' THEN 1 ELSE 0 END)"_s;
        values->append(pattern);
    }
    return sums.join(u", "_s);
}
} // namespace

Result<NameSearch::Sample> NameSearch::sampleIds(qint64 first, qint64 last,
                                                 const QStringList &patterns, qint64 windows,
                                                 qint64 width) const
{
    if (last < first)
        return Sample {};
    const qint64 span = last - first + 1;
    qint64 stride = span / windows;
    // A range the windows would cover is read whole.
    if (span <= windows * width) {
        windows = 1;
        width = span;
        stride = span;
    }
    const qint64 start = first + (stride - width) / 2; // each window in the middle of its part
    // Each id of the sample looked up by its key: PostgreSQL plans a join on ranges of ids as
    // if each range held a ninth of the table, and compiles it (JIT) for that cost. There the
    // ids are one array, which the primary key's index reads in one scan, in less time than a
    // join on the ids (a median of 1.9 against 2.5 ms for 512 ids at a million runs).
    const QString id = u"CAST(? AS BIGINT) + (i / ?) * CAST(? AS BIGINT) + i % ?"_s;
    QVariantList values;
    Result<Sample> inWindows = Sample {};
    if (m_database.isPostgreSql()) {
        const QString sums = matchSums(u"name_folded"_s, patterns, &values);
        values << start << width << stride << width << windows * width;
        inWindows
            = readSample(u"SELECT COUNT(*), "_s + sums
                             + u" FROM simulations WHERE simulation_id = ANY(ARRAY(SELECT "_s + id
                             + u" FROM generate_series(0, CAST(? AS BIGINT) - 1) AS i))"_s,
                         values, patterns.size());
    } else {
        values << windows * width;
        const QString sums = matchSums(u"name_folded"_s, patterns, &values);
        values << start << width << stride << width;
        inWindows
            = readSample(u"WITH RECURSIVE sample (i) AS (SELECT 0 UNION ALL SELECT i + 1 "
                         "FROM sample WHERE i + 1 < ?) SELECT COUNT(*), "_s
                             + sums + u" FROM sample JOIN simulations ON simulation_id = "_s + id,
                         values, patterns.size());
    }
    if (!inWindows || inWindows->seen >= windows)
        return inWindows;
    // Ids far sparser than the windows (most runs deleted) leave them nearly empty: the first
    // run at or after each window's start stands for it instead.
    QVariantList pickedValues {windows, start, stride};
    const QString pickedSums = matchSums(u"name"_s, patterns, &pickedValues);
    const Result<Sample> following
        = readSample(u"WITH RECURSIVE sample (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM sample "
                     "WHERE i + 1 < ?), "
                     "picked (name) AS (SELECT (SELECT COALESCE(name_folded, '') FROM simulations "
                     "WHERE simulation_id >= CAST(? AS BIGINT) + i * CAST(? AS BIGINT) "
                     "ORDER BY simulation_id LIMIT 1) FROM sample) "
                     "SELECT COUNT(name), "_s
                         + pickedSums + u" FROM picked"_s,
                     pickedValues, patterns.size());
    if (!following)
        return following;
    Sample both {inWindows->seen + following->seen, inWindows->hits};
    for (qsizetype i = 0; i < both.hits.size(); ++i)
        both.hits[i] += following->hits.value(i);
    return both;
}

Result<NameSearch::Sample> NameSearch::readSample(const QString &statement,
                                                  const QVariantList &values,
                                                  qsizetype patterns) const
{
    auto sampled
        = sql::runKept(m_database, statement, values, u"estimate the runs a name matches"_s);
    if (!sampled)
        return sampled.error();
    const std::optional<Sample> sample
        = sql::readOne(*sampled.value(), [patterns](const QSqlQuery &row) {
              Sample read {row.value(0).toLongLong(), {}};
              for (qsizetype i = 0; i < patterns; ++i)
                  read.hits << row.value(int(i) + 1).toLongLong(); // NULL: no runs, 0
              return read;
          });
    if (!sample)
        return Error::internal(u"estimating a count returned nothing"_s);
    return *sample;
}

Result<std::optional<std::pair<qint64, qint64>>> NameSearch::idSpan() const
{
    auto span = sql::readKept(m_database,
                              u"SELECT (SELECT MIN(simulation_id) FROM simulations), "
                              "(SELECT MAX(simulation_id) FROM simulations)"_s,
                              {}, u"read the span of run ids"_s);
    if (!span)
        return span.error();
    sql::KeptRows &ids = span.value();
    if (!ids.next())
        return Error::internal(u"reading the span of run ids returned nothing"_s);
    if (ids.value(0).isNull())
        return std::optional<std::pair<qint64, qint64>>(); // no runs
    return std::optional(std::pair(ids.value(0).toLongLong(), ids.value(1).toLongLong()));
}

Result<double> NameSearch::estimatedShare()
{
    if (m_probe.share < 0) {
        takeKeptEstimates();
        if (m_probe.share < 0) {
            const Result<double> share = sampleShare();
            if (!share)
                return share;
            m_probe.share = share.value();
            keepEstimates();
        }
        if (m_memo && m_memo->folded == m_folded)
            m_memo->share = m_probe.share;
    }
    return m_probe.share;
}

Result<std::optional<qint64>> NameSearch::matchesFromBlocks()
{
    if (!countsByBlock())
        return std::optional<qint64>();
    // Asked once a query: a count after its page reads none of it again (within half a minute
    // of writes, the newest block's matches counted through the index: 0.9 ms at a million
    // runs).
    if (m_memo && m_memo->folded == m_folded && m_memo->blocksCounted) {
        return m_memo->blocksCount >= 0 ? std::optional(m_memo->blocksCount)
                                        : std::optional<qint64>();
    }
    // The memo is the text's before the blocks are read, so that it keeps them for the page.
    if (m_memo && m_memo->folded != m_folded)
        *m_memo = NameProbe {m_folded};
    const Result<std::optional<qint64>> counted = countFromBlocks();
    if (counted && m_memo) {
        m_memo->blocksCount = counted.value().value_or(-1);
        m_memo->blocksCounted = true;
    }
    return counted;
}

Result<std::optional<qint64>> NameSearch::countFromBlocks()
{
    QList<KeySpan> spans;
    const Result<std::optional<qint64>> gathered = gatheredMatches(&spans);
    if (!gathered)
        return gathered.error();
    if (!gathered.value() || spans.size() > kCountedPendingBlocks)
        return std::optional<qint64>();
    qint64 matches = *gathered.value();
    if (!spans.isEmpty()) {
        const Result<std::optional<QHash<qint64, qint64>>> inPending = countMatchesByBlock(
            &spans, std::numeric_limits<qint64>::max() - 1, SimulationQuery());
        if (!inPending)
            return inPending.error();
        for (const qint64 inBlock : std::as_const(*inPending.value()))
            matches += inBlock;
    }
    return std::optional(matches);
}

Result<std::optional<qint64>> NameSearch::gatheredMatches(QList<KeySpan> *pending)
{
    // The blocks a page plans with (textBlocks(), kept for the query) carry each gathered
    // block's count. PostgreSQL's pages of a text of three characters plan on them: read once
    // for both, two statements fewer (a text's first search at a million runs 9.3 -> 7.8 ms,
    // median of 30). SQLite's pages in creation order read the index alone, and its blocks'
    // statement costs more than the two below (042 0.59 -> 0.80 ms by wrk): it sums the blocks
    // where a page has read them.
    if (m_database.isPostgreSql() || keptBlocks()) {
        const Result<QList<NameProbe::Block>> blocks = textBlocks();
        if (!blocks)
            return blocks.error();
        qint64 matches = 0;
        for (const NameProbe::Block &block : blocks.value()) {
            if (block.runs <= 0)
                continue;
            if (block.pending)
                *pending << idsOfBlock(block.block);
            else if (block.names)
                matches += *block.names;
            else
                return std::optional<qint64>(); // a row without its count
        }
        return std::optional(matches);
    }
    // The blocks with runs still to gather, in id order, then the counts of those gathered (not
    // of a block gone with its last run, whose rows SQLite leaves).
    auto stillToGather = sql::readKept(m_database,
                                       u"SELECT block FROM simulation_blocks GROUP BY block "
                                       "HAVING SUM(grams_pending) > 0 AND SUM(runs) > 0 "
                                       "ORDER BY block"_s,
                                       {}, u"find the blocks whose names are still to gather"_s);
    if (!stillToGather)
        return stillToGather.error();
    while (stillToGather.value().next())
        *pending << idsOfBlock(stillToGather.value().value(0).toLongLong());
    auto counted = sql::readKept(
        m_database,
        u"SELECT COALESCE(SUM(names), 0), COUNT(*) - COUNT(names) FROM simulation_block_grams "
        "WHERE gram = ? AND block IN (SELECT block FROM simulation_blocks GROUP BY block "
        "HAVING SUM(grams_pending) = 0)"_s,
        {m_folded}, u"read the blocks' counts of a name"_s);
    if (!counted)
        return counted.error();
    if (!counted.value().next() || counted.value().value(1).toLongLong() != 0)
        return std::optional<qint64>(); // a row without its count
    return std::optional(counted.value().value(0).toLongLong());
}

NameSearch::KeySpan NameSearch::idsOfBlock(qint64 block)
{
    return KeySpan {block * SimulationBlocks::kIds, (block + 1) * SimulationBlocks::kIds - 1};
}

const QList<NameProbe::Block> *NameSearch::keptBlocks() const
{
    if (m_planBlocks)
        return &*m_planBlocks;
    const quint64 snapshot = sql::ReadSnapshot::current(m_database);
    if (snapshot != 0 && m_memo && m_memo->folded == m_folded && m_memo->blocksSnapshot == snapshot)
        return &m_memo->blocks;
    return nullptr;
}

Result<qint64> NameSearch::findBlocksHoldingText()
{
    m_holdingSpans.reset();
    const Result<QList<NameProbe::Block>> blocks = textBlocks();
    if (!blocks)
        return blocks.error();
    QList<BlockSpan> spans;
    qint64 runs = 0;
    for (const NameProbe::Block &block : blocks.value()) {
        spans << BlockSpan {idsOfBlock(block.block), block.holds};
        if (block.holds)
            runs += block.runs;
    }
    m_holdingSpans = joinSpans(spans, kHoldingSpans);
    return runs;
}

bool NameSearch::countsByBlock() const
{
    return m_folded.toStdU32String().size() == std::size_t(kTrigram);
}

Result<double> NameSearch::sampleShare() const
{
    const auto span = idSpan();
    if (!span)
        return span.error();
    if (!span.value())
        return 0.0; // no runs
    const auto [lowest, highest] = *span.value();
    if (usesFts() && m_probe.lowestNewestMatch > 0 && m_probe.runs > 0) {
        // The newest matches were counted, from the lowest of them to the newest run; the
        // older runs are sampled. The runs on either side are told by the ids' span.
        const double allIds = double(highest - lowest + 1);
        const double newestIds = double(highest - m_probe.lowestNewestMatch + 1);
        const double newestRuns
            = std::min(double(m_probe.runs), newestIds * double(m_probe.runs) / allIds);
        const Result<Sample> older = sampleIds(lowest, m_probe.lowestNewestMatch - 1, {m_pattern});
        if (!older)
            return older.error();
        const double matches
            = double(m_probe.matches) + older->share() * (double(m_probe.runs) - newestRuns);
        return std::min(1.0, matches / double(m_probe.runs));
    }
    const Result<Sample> sample = sampleIds(lowest, highest, {m_pattern});
    if (!sample)
        return sample.error();
    // PostgreSQL: a name the windows missed may still be in runs between them; the planner's
    // count, from a sample of the whole table, tells how many.
    if (sample->hits.value(0) == 0 && m_probe.estimate >= 0 && m_probe.runs > 0)
        return std::min(1.0, double(m_probe.estimate) / double(m_probe.runs));
    return sample->share();
}

Result<bool> NameSearch::runsInCreationOrder()
{
    auto inOrder = sql::readKept(m_database, u"SELECT follows_id FROM creation_order"_s, {},
                                 u"read whether runs are in creation order"_s);
    if (!inOrder)
        return inOrder.error();
    sql::KeptRows &fact = inOrder.value();
    return fact.next() && fact.value(0).toLongLong() == 1;
}

Status NameSearch::planPage(const SimulationQuery &query)
{
    m_passedBound = false;
    // What a page's bounded read learnt serves the pages that bound theirs: elsewhere the page
    // reads every match on the planner's count as before.
    m_learntApplies = boundsPagesOf(query);
    m_matchesInIdOrder = false;
    m_indexForFilters = false;
    m_indexedStatus.clear();
    m_walkChecksMatches = false;
    m_walkSpans.reset();
    m_walkIds.reset();
    m_walkKeys.clear();
    m_walkFrom.reset();
    m_matchSpans.reset();
    m_matchWindows.clear();
    m_walksReadBlocks = false;
    m_rowsPassedOver = 0;
    m_planBlocks.reset();
    m_filteredRuns.reset();
    if (isEmpty())
        return success();
    m_namesInWalk = SimulationListQuery(query, m_database.isPostgreSql()).orderIndexHoldsNames();
    m_pageRows = query.limit < 0 ? kPageRows : query.offset + query.limit;
    const SimulationQuery::OrderBy order = SimulationListQuery(query, false).effectiveOrder();
    if (!usesFts()
        || (order != SimulationQuery::OrderBy::CreationDate
            && order != SimulationQuery::OrderBy::Id)) {
        if (const Status probed = probe(); !probed)
            return probed;
        if (const Status weighed = weighOtherFilters(query); !weighed)
            return weighed;
        return planWalk(query);
    }
    if (order == SimulationQuery::OrderBy::CreationDate) {
        const Result<bool> inOrder = runsInCreationOrder();
        if (!inOrder)
            return inOrder.error();
        if (!inOrder.value()) {
            if (const Status probed = probe(); !probed)
                return probed;
            return planWalk(query);
        }
    }
    // Other filters may leave few of many matches: then their own index is walked instead,
    // checking names, unless the name alone matches few runs, or the filters leave so many
    // runs that the matches in id order fill the page first.
    if (query.filtersBesidesName()) {
        if (const Status probed = probe(); !probed)
            return probed;
        if (!isSelective()) {
            const Result<bool> inIdOrder = matchesInIdOrderBeatWalk(query);
            if (!inIdOrder)
                return inIdOrder.error();
            if (!inIdOrder.value())
                return planWalk(query);
        }
    }
    if (const Status chosen = chooseIndexWords(); !chosen)
        return chosen;
    m_matchesInIdOrder = true;
    return success();
}

Result<bool> NameSearch::matchesInIdOrderBeatWalk(const SimulationQuery &query)
{
    // The counters know no verdicts: how many runs one leaves is not known.
    if (query.verdict)
        return false;
    const Result<PageCosts> costs = costsOfPage(query, 1);
    if (!costs)
        return costs.error();
    return costs->matchesInIdOrder < std::min(costs->walk, costs->walkCheckingIds);
}

Result<NameSearch::PageCosts> NameSearch::costsOfPage(const SimulationQuery &query,
                                                      qint64 statements)
{
    const Result<qint64> filtered = runsLeftByOtherFilters(query);
    if (!filtered)
        return filtered.error();
    const Result<double> share = estimatedShare();
    if (!share)
        return share.error();
    return pageCosts(estimatedMatches(share.value()), m_probe.runs, filtered.value(),
                     pageRows(query, filtered.value()), statements,
                     SimulationListQuery(query, m_database.isPostgreSql()).orderIndexHoldsNames());
}

NameSearch::PageCosts NameSearch::pageCosts(qint64 matches, qint64 runs, qint64 filtered,
                                            qint64 pageRows, qint64 statements, bool namesInIndex)
{
    const double all = double(std::max<qint64>(runs, 1));
    const double named = double(std::max<qint64>(matches, 1));
    PageCosts costs;
    // The filters' rows walked until the name has matched the page's.
    const double walked = std::min(double(filtered), double(pageRows) * all / named);
    costs.walk = namesInIndex ? walked / kIndexedNameCost : walked;
    costs.walkCheckingIds = named * double(statements) / kWalkCost + walked / kIdCheckCost;
    // The matches read in id order until the filters have left the page's rows.
    costs.matchesInIdOrder
        = std::min(named, double(pageRows) * all / double(std::max<qint64>(filtered, 1)));
    return costs;
}

qint64 NameSearch::estimatedMatches(double share) const
{
    // The probe counted more than it could: never fewer.
    return std::max<qint64>(std::llround(share * double(m_probe.runs)), m_probe.counted + 1);
}

Status NameSearch::planWalk(const SimulationQuery &query)
{
    // The name alone is the query: where the probe counted its matches, so has the page.
    if (matchesCounted() && !query.filtersBesidesName())
        rememberQueryMatches(m_probe.matches);
    if (const Status found = findMatchWindows(query); !found || !m_matchWindows.isEmpty())
        return found;
    if (const Status found = findMatchSpans(query); !found || m_matchSpans || m_walksReadBlocks)
        return found;
    if (const Status found = findWalkSpans(query); !found)
        return found;
    return weighMatchedIds(query);
}

qint64 NameSearch::plannedMatches() const
{
    return std::max(m_probe.estimate, m_probe.learnt);
}

double NameSearch::plannedBlockMatches() const
{
    if (!plannerTellsMatches() || m_probe.runs <= 0)
        return 0;
    return double(plannedMatches()) / double(m_probe.runs) * double(SimulationBlocks::kIds);
}

bool NameSearch::windowsMayRead() const
{
    if (!m_database.isPostgreSql() || !isIndexable() || !m_probe.indexWords.isEmpty()
        || !plannerTellsMatches())
        return false;
    // The blocks' counts of a text of three characters size its windows, and refuse them
    // where the page's blocks hold it densely (findMatchWindows), however many its matches.
    return (countsByBlock() || plannedMatches() <= kWindowedMatchesFactor * m_probe.threshold)
        && plannedBlockMatches() <= kDenseBlockRows * double(m_pageRows);
}

Status NameSearch::findMatchWindows(const SimulationQuery &query)
{
    const SimulationQuery::OrderBy order = SimulationListQuery(query, true).effectiveOrder();
    // In creation order, under other filters: of the name alone the blocks place the page
    // (findMatchSpans).
    const bool byId = order == SimulationQuery::OrderBy::Id;
    const bool byCreation
        = order == SimulationQuery::OrderBy::CreationDate && query.filtersBesidesName();
    if (!(byId || byCreation) || query.limit < 0 || query.offset >= kWindowedOffset
        || !windowsMayRead())
        return success();
    const Result<qint64> left = runsLeftByOtherFilters(query);
    if (!left)
        return left.error();
    const double share = double(left.value()) / double(std::max<qint64>(m_probe.runs, 1));
    if (share < kWindowedShare)
        return success();
    // In creation order, windows of whole blocks whose creation dates follow their ids: each
    // window's runs come after the one's before it, in whatever order within their blocks.
    if (byCreation) {
        const Result<bool> inOrder = blocksInCreationOrder();
        if (!inOrder)
            return inOrder.error();
        if (!inOrder.value())
            return success();
    }
    const Result<std::optional<std::pair<qint64, qint64>>> span = idSpan();
    if (!span)
        return span.error();
    if (!span.value())
        return success(); // no runs: any plan reads nothing
    auto [lowest, highest] = *span.value();
    constexpr qint64 ids = SimulationBlocks::kIds;
    if (query.after) {
        // In creation order from the cursor's block on, whole (SimulationListQuery::selects
        // bounds each window by the cursor).
        const qint64 cursor = query.after->id;
        if (query.descending)
            highest = std::min(highest, byId ? cursor - 1 : (cursor / ids + 1) * ids - 1);
        else
            lowest = std::max(lowest, byId ? cursor + 1 : cursor / ids * ids);
    }
    if (lowest > highest)
        return success(); // nothing past the cursor
    // Whole blocks from the page's end, the last window what is left.
    qint64 edge = query.descending ? highest / ids : lowest / ids;
    // The first window holds the page's rows, half as many again: by the blocks' counts for a
    // text of three characters, where the text is denser in some blocks than in others (at a
    // million runs the first ten blocks held 81 of 424's first hundred finished runs, and the
    // second window read forty blocks for the other 19, 1.6 ms; 555's first 300 names are in 27
    // blocks), up to as many blocks as the second window would have read; else at the
    // planner's count.
    const double pageMatches = 1.5 * double(m_pageRows);
    qint64 blocks = kFirstWindowBlocks;
    if (countsByBlock()) {
        const qint64 names = qint64(std::ceil(pageMatches / share));
        const Result<std::optional<BlocksHolding>> reach
            = blockHoldingNames(edge, query.descending, names);
        if (!reach)
            return reach.error();
        const std::optional<BlocksHolding> &filling = reach.value();
        const qint64 last = query.descending ? lowest / ids : highest / ids;
        blocks = std::abs((filling ? filling->block : last) - edge) + 1;
        // The block that fills the page holds the text densely, with fewer ids before it than
        // names in it: a walk fills the page soon after the page's edge, where the window would
        // read all its matches.
        if (filling && double(filling->blockNames) > kDenseBlockRows * double(names)) {
            const qint64 idsBefore = query.descending ? highest - (filling->block + 1) * ids + 1
                                                      : filling->block * ids - lowest;
            if (idsBefore < filling->blockNames)
                return success();
        }
        blocks = std::min(blocks, kFirstWindowBlocks * kWindowGrowth * kWindowGrowth);
    } else if (const double inBlock = plannedBlockMatches() * share; inBlock > 0) {
        blocks = std::clamp<qint64>(qint64(std::ceil(pageMatches / inBlock)), 1,
                                    kFirstWindowBlocks * kWindowGrowth);
    }
    for (int window = 0; window < 2; ++window) {
        const qint64 first = query.descending ? std::max(edge - blocks + 1, lowest / ids) : edge;
        const qint64 last = query.descending ? edge : std::min(edge + blocks - 1, highest / ids);
        m_matchWindows << MatchWindow {
            {std::max(first * ids, lowest), std::min((last + 1) * ids - 1, highest)}, true};
        edge = query.descending ? first - 1 : last + 1;
        if (edge < lowest / ids || edge > highest / ids)
            return success(); // every id in a window
        blocks *= kWindowGrowth;
    }
    m_matchWindows << MatchWindow {query.descending ? KeySpan {lowest, (edge + 1) * ids - 1}
                                                    : KeySpan {edge * ids, highest},
                                   false};
    return success();
}

Result<bool> NameSearch::blocksInCreationOrder() const
{
    // Each block's creation dates (over its shards) from the last of the block before it on.
    auto outOfOrder = sql::readKept(
        m_database,
        u"SELECT COUNT(*) FROM (SELECT MIN(first_created) AS first_created, "
        "LAG(MAX(last_created)) OVER (ORDER BY block) AS before FROM simulation_blocks "
        "GROUP BY block HAVING MIN(first_created) IS NOT NULL) AS spans "
        "WHERE first_created < before"_s,
        {}, u"read whether the blocks follow creation order"_s);
    if (!outOfOrder)
        return outOfOrder.error();
    return outOfOrder.value().next() && outOfOrder.value().value(0).toLongLong() == 0;
}

Result<std::optional<NameSearch::BlocksHolding>>
NameSearch::blockHoldingNames(qint64 edge, bool descending, qint64 names) const
{
    const QString direction = descending ? u" DESC"_s : QString();
    auto reached = sql::readKept(
        m_database,
        u"SELECT block, names FROM (SELECT block, SUM(names) AS names, "
        "SUM(SUM(names)) OVER (ORDER BY block"_s
            + direction + u") AS held FROM simulation_block_grams WHERE gram = ? AND block "_s
            + (descending ? u"<="_s : u">="_s)
            + u" ? GROUP BY block) AS running WHERE held >= ? ORDER BY block"_s + direction
            + u" LIMIT 1"_s,
        {m_folded, edge, names}, u"find the blocks that hold a page of a name"_s);
    if (!reached)
        return reached.error();
    if (!reached.value().next())
        return std::optional<BlocksHolding>();
    return std::optional(BlocksHolding {reached.value().value(0).toLongLong(),
                                        reached.value().value(1).toLongLong()});
}

Status NameSearch::findWalkSpans(const SimulationQuery &query)
{
    if (!isIndexable() || !walksNames())
        return success();
    const SimulationQuery::OrderBy order = SimulationListQuery(query, true).effectiveOrder();
    const bool byId = order != SimulationQuery::OrderBy::CreationDate;
    const Result<QList<NameProbe::Block>> blocks = textBlocks();
    if (!blocks)
        return blocks.error();
    // Consecutive blocks that may hold the text are walked as one span.
    QList<BlockSpan> found;
    for (const NameProbe::Block &block : blocks.value()) {
        found << BlockSpan {byId ? idsOfBlock(block.block)
                                 : KeySpan {block.firstCreated, block.lastCreated},
                            block.holds};
    }
    m_walkSpans = joinSpans(found);
    if (order == SimulationQuery::OrderBy::CreationDate || order == SimulationQuery::OrderBy::Id)
        return success();
    // Another order's index: the ids from the first block that may hold the text to the last
    // (none: an empty range).
    const QList<KeySpan> spans = *m_walkSpans;
    m_walkSpans.reset();
    m_walkIds = spans.isEmpty() ? KeySpan {1, 0}
                                : KeySpan {spans.constFirst().first, spans.constLast().last};
    // Where the range leaves out blocks, it is sought under each key; where it spans them all
    // there is nothing to seek, and each key costs a descent of the index.
    const KeySpan &range = *m_walkIds;
    if (std::any_of(found.cbegin(), found.cend(), [&range](const BlockSpan &b) {
            return b.span.first < range.first || b.span.last > range.last;
        }))
        m_walkKeys = SimulationListQuery::everyKeyCondition(order, m_database.isPostgreSql());
    if (order != SimulationQuery::OrderBy::Name && order != SimulationQuery::OrderBy::UpdateDate)
        return success();
    findWalkFrom(order, spans, query.descending, blocks.value());
    return success();
}

Result<QList<NameProbe::Block>> NameSearch::textBlocks()
{
    if (const QList<NameProbe::Block> *kept = keptBlocks())
        return *kept;
    const quint64 snapshot = sql::ReadSnapshot::current(m_database);
    // The text's three characters as the migration cuts names: by code point.
    const std::u32string points = m_folded.toStdU32String();
    QStringList grams;
    for (qsizetype i = 0; i + kTrigram <= qsizetype(points.size()) && grams.size() < kSpanGrams;
         ++i) {
        const QString gram = QString::fromUcs4(points.data() + i, kTrigram);
        if (!grams.contains(gram))
            grams << gram;
    }
    // A text of three characters is one of the blocks' characters, counted in each block
    // (migration 033): how many of its names hold it, where none is left to gather, and where
    // every row of it carries a count.
    const bool countedByBlock = countsByBlock();
    const bool postgreSql = m_database.isPostgreSql();
    QVariantList values(grams.cbegin(), grams.cend());
    // On PostgreSQL a block holds the text where its rows hold every one of the text's
    // characters; one of them needs no count of distinct ones (0.77 -> 0.52 ms a statement at a
    // million runs, pgbench).
    const bool everyGramCounted = !postgreSql || grams.size() > 1;
    if (everyGramCounted)
        values << qint64(grams.size());
    if (countedByBlock && !postgreSql)
        values << grams.constFirst();
    // Every block's spans (of creation dates, of name keys, of update dates), its runs, and
    // whether it may hold the text: it holds its every three characters, or names whose
    // characters are still to gather (migration 031). PostgreSQL keeps both tables' rows per
    // shard (migrations 017 and 020), summed here; SQLite keeps one row a block and one a block
    // and three characters, and asks for the blocks that hold the text once, without a join
    // (0.67 -> 0.34 ms at a million runs, 245 blocks).
    const QString gramList = QStringList(grams.size(), u"?"_s).join(u", "_s);
    const QString postgreSqlStatement
        = u"SELECT b.block, MIN(b.first_created), MAX(b.last_created), "
          "MAX(candidates.block) IS NOT NULL OR MAX(b.grams_pending) > 0, SUM(b.runs), "
          "MIN(b.first_name_key), MAX(b.last_name_key), MIN(b.first_updated), "
          "MAX(b.last_updated), "_s
        + (countedByBlock ? u"CASE WHEN MAX(b.grams_pending) > 0 THEN NULL "
                            "WHEN MAX(candidates.block) IS NULL THEN 0 "
                            "ELSE MAX(candidates.names) END"_s
                          : u"NULL"_s)
        + u", MAX(b.grams_pending) > 0 FROM simulation_blocks AS b LEFT JOIN (SELECT block, "
          "CASE WHEN COUNT(*) = COUNT(names) THEN SUM(names) END AS names FROM "
          "simulation_block_grams WHERE gram IN ("_s
        + gramList + u") GROUP BY block"_s
        + (everyGramCounted ? u" HAVING COUNT(DISTINCT gram) = ?"_s : QString())
        + u") AS candidates USING (block) GROUP BY b.block "
          "HAVING MIN(b.first_created) IS NOT NULL"_s;
    const QString sqliteStatement
        = u"SELECT block, first_created, last_created, grams_pending > 0 OR block IN "
          "(SELECT block FROM simulation_block_grams WHERE gram IN ("_s
        + gramList
        + u") GROUP BY block HAVING COUNT(*) = ?), runs, first_name_key, last_name_key, "
          "first_updated, last_updated, "_s
        + (countedByBlock ? u"CASE WHEN grams_pending = 0 THEN (SELECT CASE WHEN COUNT(*) = "
                            "COUNT(names) THEN COALESCE(SUM(names), 0) END FROM "
                            "simulation_block_grams AS g WHERE g.gram = ? AND "
                            "g.block = simulation_blocks.block) END"_s
                          : u"NULL"_s)
        + u", grams_pending > 0 FROM simulation_blocks WHERE first_created IS NOT NULL"_s;
    auto read = sql::readKept(m_database, postgreSql ? postgreSqlStatement : sqliteStatement,
                              values, u"find the blocks a name may be in"_s);
    if (!read)
        return read.error();
    QList<NameProbe::Block> blocks;
    sql::KeptRows &rows = read.value();
    while (rows.next()) {
        blocks << NameProbe::Block {
            rows.value(0).toLongLong(),       rows.value(1).toLongLong(),
            rows.value(2).toLongLong(),       rows.value(3).toBool(),
            rows.value(4).toLongLong(),       rows.value(5).toString(),
            rows.value(6).toString(),         sql::optionalLong(rows.value(7)),
            sql::optionalLong(rows.value(8)), sql::optionalLong(rows.value(9)),
            rows.value(10).toBool()};
    }
    if (snapshot != 0 && m_memo && m_memo->folded == m_folded) {
        m_memo->blocks = blocks;
        m_memo->blocksSnapshot = snapshot;
        m_memo->blockMatches.clear();
    }
    m_planBlocks = blocks;
    return blocks;
}

QHash<qint64, qint64> *NameSearch::keptBlockMatches(const SimulationQuery &query)
{
    const quint64 snapshot = sql::ReadSnapshot::current(m_database);
    if (snapshot == 0 || !m_memo || m_memo->folded != m_folded
        || m_memo->blocksSnapshot != snapshot)
        return nullptr;
    // SQLite counts the name's matches alone.
    QVariantList values;
    if (m_database.isPostgreSql())
        SimulationListQuery::filterConditions(query, &values);
    QStringList filters;
    for (const QVariant &value : std::as_const(values))
        filters << value.toString();
    const QString counted = filters.join(u'\n');
    if (m_memo->blockMatches.isEmpty())
        m_memo->blockMatchesFilters = counted;
    else if (m_memo->blockMatchesFilters != counted)
        return nullptr;
    return &m_memo->blockMatches;
}

void NameSearch::findWalkFrom(SimulationQuery::OrderBy order, const QList<KeySpan> &spans,
                              bool descending, const QList<NameProbe::Block> &blocks)
{
    if (spans.isEmpty())
        return;
    const bool byName = order == SimulationQuery::OrderBy::Name;
    // By name, where most blocks may hold the text, their names leave out few runs, if any,
    // and a bound costs a test of each key walked.
    const auto holding = std::count_if(blocks.cbegin(), blocks.cend(),
                                       [](const NameProbe::Block &block) { return block.holds; });
    if (byName && holding * 2 > blocks.size())
        return;
    // The blocks' keys, of the blocks that hold runs: of those in the walk's spans of ids, and
    // of all of them. The walk starts from the first key of the one (the last, newest first)
    // where that leaves out any of the others; nothing is known where a block holds no keys.
    // Name keys compare as their UTF-8 bytes, as the databases order them (COLLATE "C" on
    // PostgreSQL, BINARY on SQLite).
    std::optional<Key> first;
    std::optional<Key> last;
    std::optional<Key> allFirst;
    std::optional<Key> allLast;
    for (const NameProbe::Block &block : blocks) {
        if (block.runs <= 0)
            continue;
        Key lowest;
        Key highest;
        if (byName) {
            if (block.firstNameKey.isNull() || block.lastNameKey.isNull())
                return;
            lowest.bytes = block.firstNameKey.toUtf8();
            highest.bytes = block.lastNameKey.toUtf8();
        } else {
            if (!block.firstUpdated || !block.lastUpdated)
                return;
            lowest.number = *block.firstUpdated;
            highest.number = *block.lastUpdated;
        }
        allFirst = allFirst ? std::min(*allFirst, lowest) : lowest;
        allLast = allLast ? std::max(*allLast, highest) : highest;
        const bool held = std::any_of(spans.cbegin(), spans.cend(), [&block](const KeySpan &span) {
            return block.block >= span.first / SimulationBlocks::kIds
                && block.block <= span.last / SimulationBlocks::kIds;
        });
        if (held) {
            first = first ? std::min(*first, lowest) : lowest;
            last = last ? std::max(*last, highest) : highest;
        }
    }
    if (!first || !(descending ? *last < *allLast : *allFirst < *first))
        return;
    const Key &from = descending ? *last : *first;
    if (byName)
        m_walkFrom = KeyBound {u"name_key"_s, QString::fromUtf8(from.bytes), descending};
    else
        m_walkFrom = KeyBound {u"update_date"_s, from.number, descending};
}

std::optional<qint64> NameSearch::probedMatches(const QList<NameProbe::Block> &blocks) const
{
    if (m_probe.countedAll())
        return m_probe.matches;
    if (m_probe.runs <= 0)
        return std::nullopt;
    if (m_probe.lowestNewestMatch <= 0) {
        // Not counted: a share kept for the text spared the count.
        if (const std::optional<double> share = keptShare())
            return std::llround(*share * double(m_probe.runs));
        return std::nullopt;
    }
    // The newest counted + 1 matches lie among the runs from the lowest of them: as densely
    // in the older runs.
    qint64 newestRuns = 0;
    for (const NameProbe::Block &block : blocks) {
        if (block.block >= m_probe.lowestNewestMatch / SimulationBlocks::kIds)
            newestRuns += block.runs;
    }
    return std::llround(double(m_probe.counted + 1) * double(m_probe.runs)
                        / double(std::max<qint64>(newestRuns, 1)));
}

bool NameSearch::blocksPlaceOrder(const SimulationQuery &query)
{
    const SimulationQuery::OrderBy order = SimulationListQuery(query, false).effectiveOrder();
    return order == SimulationQuery::OrderBy::Name || order == SimulationQuery::OrderBy::UpdateDate
        || order == SimulationQuery::OrderBy::CreationDate;
}

bool NameSearch::blocksCanPlace(const SimulationQuery &query) const
{
    // With a status, a machine or a verdict, on PostgreSQL, the blocks' matches are counted
    // under those filters too: the page's rows. FTS5 counts the name's alone.
    return isIndexable() && m_probe.indexWords.isEmpty()
        && (!query.filtersBesidesName() || m_database.isPostgreSql()) && query.limit >= 0
        && blocksPlaceOrder(query);
}

Status NameSearch::findMatchSpans(const SimulationQuery &query)
{
    if (!blocksCanPlace(query))
        return success();
    const SimulationQuery::OrderBy order = SimulationListQuery(query, false).effectiveOrder();
    const bool postgreSql = m_database.isPostgreSql();
    const bool filtered = query.filtersBesidesName();
    // What the probe tells of the name's matches: counted on SQLite; on PostgreSQL the
    // planner's count, all of them few where it puts them within the threshold.
    const bool allKnown = postgreSql ? isSelective() : m_probe.countedAll();
    qint64 known
        = postgreSql ? std::max<qint64>({m_probe.estimate, m_probe.learnt, 0}) : m_probe.matches;
    const qint64 rows = query.offset + query.limit;
    // Matches the probe counted, not many more than the page's rows, are read as cheaply,
    // unless an offset passes over most of them: the blocks wholly before the page are then
    // counted, not read.
    if (allKnown && known <= 2 * rows && query.offset < kPageRows)
        return success();
    // A text of three characters is counted in every block with nothing left to gather
    // (migration 033, the name's matches alone): those blocks need no count of their own, and
    // the text's matches are at least their sum.
    const bool blocksCount = !filtered && countsByBlock();
    // The planner's count of a text its statistics do not show is its floor (a hundredth of
    // a percent of the runs; at a million runs 100 for 171, in 3,979 names): blocks weighed
    // against it would all seem worth less than reading every match.
    if (postgreSql && allKnown && !blocksCount)
        return success();
    const Result<QList<NameProbe::Block>> blocks = textBlocks();
    if (!blocks)
        return blocks.error();
    QHash<qint64, qint64> counted;
    if (blocksCount) {
        qint64 gathered = 0;
        bool everyBlock = true;
        for (const NameProbe::Block &block : blocks.value()) {
            if (block.names) {
                counted.insert(block.block, *block.names);
                gathered += *block.names;
            } else if (block.holds && block.runs > 0) {
                everyBlock = false;
            }
        }
        known = std::max(known, gathered);
        // Every block counted: the name's matches, exact.
        if (everyBlock)
            rememberQueryMatches(gathered);
    }
    // Each block's span of the order's key, of the blocks that may hold the text, and their runs.
    QList<MatchedBlock> spans;
    qint64 holdingRuns = 0;
    for (const NameProbe::Block &block : blocks.value()) {
        if (!block.holds || block.runs <= 0)
            continue;
        const std::optional<MatchedBlock> spanned = blockSpan(block, order);
        if (!spanned)
            return success();
        spans << *spanned;
        holdingRuns += block.runs;
    }
    // Until a block's matches are counted, its runs at the share the probe tells of stand for
    // them (at least one: a block left uncounted must not drop out), halved with each count
    // that leaves blocks to count: where the matches are sparser at the page's end than
    // elsewhere, the blocks counted at a time double.
    const qint64 named = std::max<qint64>(
        postgreSql ? known : probedMatches(blocks.value()).value_or(m_probe.counted + 1), 1);
    // The runs the page's walk passes: until the name has matched its rows, at most those the
    // filters leave; the blocks' rows are the name's matches the filters leave.
    double walked = double(m_probe.runs) * double(rows) / double(named);
    qint64 expected = named;
    // The share of the runs a walk passes: those the filters leave.
    double walkedShare = 1.0;
    if (filtered) {
        const Result<qint64> left = runsLeftByOtherFilters(query);
        if (!left)
            return left.error();
        walked = std::min(walked, double(left.value()));
        walkedShare = double(left.value()) / double(std::max<qint64>(m_probe.runs, 1));
        expected = std::max<qint64>(1, std::llround(double(named) * walkedShare));
    }
    double share = double(expected) / double(std::max<qint64>(holdingRuns, 1));
    // What the page costs otherwise, in matches read: all of them where the probe counted them
    // (few), else the walk of the order's index (indexedMatches).
    const double otherwise = allKnown ? double(known) : walked / walkedPerMatch(m_namesInWalk);
    QHash<qint64, qint64> runs;
    for (const NameProbe::Block &block : blocks.value())
        runs.insert(block.block, block.runs);
    std::optional<Key> after;
    if (query.after) {
        const QVariant &key = query.after->key;
        after = order == SimulationQuery::OrderBy::Name ? Key {key.toString().toUtf8(), 0}
                                                        : Key {{}, key.toLongLong()};
    }
    const qint64 budget = kBlockCountFactor * m_probe.threshold;
    qint64 countedMatches = 0;
    qsizetype countedBlocks = 0;
    qint64 countedRuns = 0;
    for (;;) {
        for (MatchedBlock &block : spans) {
            block.matches = counted.value(
                block.block,
                std::max<qint64>(1, std::llround(double(runs.value(block.block)) * share)));
        }
        const QList<MatchedBlock> holding = blocksHoldingRows(spans, rows, query.descending, after);
        // Those whose rows all come before the page are counted, not read.
        const QSet<qint64> passed
            = after ? QSet<qint64>() : blocksBeforeRow(holding, query.offset, query.descending);
        QList<qint64> uncounted;
        QSet<qint64> read;
        qint64 held = 0;
        qint64 passedOver = 0;
        qint64 walkedRuns = 0;
        for (const MatchedBlock &block : holding) {
            if (!counted.contains(block.block))
                uncounted << block.block;
            walkedRuns += runs.value(block.block);
            if (passed.contains(block.block)) {
                passedOver += block.matches;
            } else {
                held += block.matches;
                read.insert(block.block);
            }
        }
        // Where the spans overlap, the blocks that can hold the page are most of them, and
        // their matches more than walking the order costs: told before the index is asked. A
        // page deep enough to pass over blocks walks their runs at least, as many as its
        // blocks' matches where these are dense (run-09 by name at offset 5,000: 8,192 runs
        // walked from the blocks' first name in 1.6 ms, against 5.9 to sort one block's 4,096
        // matches). On PostgreSQL, once blocks are counted, the walk passes the runs of every
        // block up to those that hold the page's rows at the density they showed.
        const double blocksWalk = double(walkedRuns) * walkedShare / walkedPerMatch(m_namesInWalk);
        const double walk = postgreSql && !counted.isEmpty()
            ? double(runsWalkedTo(spans, holding, runs, query.descending, after)) * walkedShare
                / walkedPerMatch(m_namesInWalk)
            : passedOver > 0 && !allKnown ? std::min(otherwise, blocksWalk)
                                          : otherwise;
        // PostgreSQL, other filters that leave few runs: the page would read every match.
        const double otherPlan = m_indexForFilters ? std::min(walk, double(known)) : walk;
        if (double(held) > otherPlan && (counted.isEmpty() || uncounted.isEmpty()))
            return success();
        if (uncounted.isEmpty()) {
            m_rowsPassedOver = passedOver;
            if (query.offset > 0 && !after && !filtered
                && walkReadBlocks(order, query.descending, holding, read, passed, blocks.value(),
                                  held))
                return success();
            m_matchSpans = idSpans(blocks.value(), read);
            return success();
        }
        // Blocks another plan of the page counted in this snapshot, under its filters, are not
        // counted again.
        QHash<qint64, qint64> *const kept = keptBlockMatches(query);
        QSet<qint64> toCount;
        qint64 keptMatches = 0;
        for (const qint64 block : std::as_const(uncounted)) {
            if (kept && kept->contains(block))
                keptMatches += kept->value(block);
            else
                toCount.insert(block);
        }
        if (countedMatches + keptMatches > budget)
            return success(); // more matches than the budget: the page walks
        // PostgreSQL seeks each block in the trigram index and reads each match's row to check
        // its name: a block costs kCountedBlockCost, however few its matches. Where the blocks
        // counted and to count cost more than every match counted by block at once
        // (kEveryMatchCountCost each, as many as the planner tells of or the blocks are taken
        // to hold, whichever is more: blocks sparse at the page's end tell little of the
        // others), every block is counted in one statement, unless the page's other plan costs
        // less still.
        bool everyBlock = false;
        if (postgreSql && !toCount.isEmpty()) {
            qint64 projected = 0;
            for (const MatchedBlock &block : std::as_const(spans))
                projected += block.matches;
            const double everyMatch = double(std::max(projected, known)) * kEveryMatchCountCost;
            const qsizetype blocksCounted = countedBlocks + toCount.size();
            everyBlock = blocksCounted > kCountedBlocks
                || double(blocksCounted) * kCountedBlockCost > everyMatch;
            if ((everyBlock ? everyMatch : double(blocksCounted) * kCountedBlockCost) > otherPlan)
                return success();
        }
        if (everyBlock) {
            uncounted.clear();
            toCount.clear();
            for (const MatchedBlock &block : std::as_const(spans)) {
                if (!counted.contains(block.block)) {
                    uncounted << block.block;
                    toCount.insert(block.block);
                }
            }
        }
        countedBlocks += toCount.size();
        std::optional<QHash<qint64, qint64>> found = QHash<qint64, qint64>();
        if (!toCount.isEmpty()) {
            const QList<KeySpan> countedSpans = idSpans(blocks.value(), toCount);
            Result<std::optional<QHash<qint64, qint64>>> read = countMatchesByBlock(
                everyBlock ? nullptr : &countedSpans,
                everyBlock ? budget : budget - countedMatches - keptMatches, query);
            if (!read)
                return read.error();
            found = std::move(read.value());
        }
        if (!found)
            return success(); // more matches than the budget: the page walks
        // Every block counted under the page's filters: their sum is the query's count.
        if (everyBlock) {
            qint64 every = 0;
            for (const qint64 inBlock : std::as_const(*found))
                every += inBlock;
            rememberQueryMatches(every);
        }
        for (const qint64 block : std::as_const(uncounted)) {
            const qint64 inBlock
                = toCount.contains(block) ? found->value(block) : kept->value(block);
            if (kept)
                kept->insert(block, inBlock);
            counted.insert(block, inBlock);
            countedMatches += inBlock;
            countedRuns += runs.value(block);
        }
        share /= 2;
        // On PostgreSQL each count is a statement, dearer than the blocks it reads: the
        // blocks left are taken as dense as those counted where these were sparser (at a million
        // runs, 042 newest first: 8 matches in the 3 newest blocks, where the planner tells of
        // 57 a block; three counts became two).
        if (postgreSql && countedRuns > 0)
            share = std::min(share,
                             double(std::max<qint64>(countedMatches, 1)) / double(countedRuns));
    }
}

std::optional<NameSearch::MatchedBlock> NameSearch::blockSpan(const NameProbe::Block &block,
                                                              SimulationQuery::OrderBy order)
{
    MatchedBlock spanned {block.block, 0, {}, {}};
    if (order == SimulationQuery::OrderBy::Name) {
        if (block.firstNameKey.isNull() || block.lastNameKey.isNull())
            return std::nullopt;
        spanned.first.bytes = block.firstNameKey.toUtf8();
        spanned.last.bytes = block.lastNameKey.toUtf8();
    } else if (order == SimulationQuery::OrderBy::UpdateDate) {
        if (!block.firstUpdated || !block.lastUpdated)
            return std::nullopt;
        spanned.first.number = *block.firstUpdated;
        spanned.last.number = *block.lastUpdated;
    } else {
        spanned.first.number = block.firstCreated;
        spanned.last.number = block.lastCreated;
    }
    return spanned;
}

bool NameSearch::walkReadBlocks(SimulationQuery::OrderBy order, bool descending,
                                const QList<MatchedBlock> &holding, const QSet<qint64> &read,
                                const QSet<qint64> &passed, const QList<NameProbe::Block> &every,
                                qint64 held)
{
    const InDirection direction {descending};
    std::optional<Key> start;
    std::optional<Key> end;
    qint64 firstId = std::numeric_limits<qint64>::max();
    qint64 lastId = -1;
    for (const MatchedBlock &block : holding) {
        if (!read.contains(block.block))
            continue;
        if (!start || direction.before(direction.start(block), *start))
            start = direction.start(block);
        if (!end || direction.before(*end, direction.end(block)))
            end = direction.end(block);
        firstId = std::min(firstId, block.block * SimulationBlocks::kIds);
        lastId = std::max(lastId, (block.block + 1) * SimulationBlocks::kIds - 1);
    }
    if (!start)
        return false;
    // The rows of the blocks passed over are counted already: none may be walked.
    for (const qint64 block : passed) {
        if (block * SimulationBlocks::kIds <= lastId
            && (block + 1) * SimulationBlocks::kIds - 1 >= firstId)
            return false;
    }
    // At most, the walk passes the runs of every block whose span meets the read blocks'.
    qint64 walked = 0;
    for (const NameProbe::Block &block : every) {
        if (block.runs <= 0)
            continue;
        const std::optional<MatchedBlock> spanned = blockSpan(block, order);
        if (!spanned)
            return false;
        if (!direction.before(direction.end(*spanned), *start)
            && !direction.before(*end, direction.start(*spanned)))
            walked += block.runs;
    }
    if (double(walked) / walkedPerMatch(m_namesInWalk) >= double(held))
        return false;
    m_walkIds = KeySpan {firstId, lastId};
    const QString column = SimulationListQuery::orderExpression(order);
    m_walkFrom = order == SimulationQuery::OrderBy::Name
        ? KeyBound {column, QString::fromUtf8(start->bytes), descending,
                    QString::fromUtf8(end->bytes)}
        : KeyBound {column, start->number, descending, end->number};
    m_walksReadBlocks = true;
    return true;
}

QList<NameSearch::KeySpan> NameSearch::idSpans(const QList<NameProbe::Block> &all,
                                               const QSet<qint64> &chosen)
{
    QList<BlockSpan> ids;
    for (const NameProbe::Block &block : all) {
        ids << BlockSpan {idsOfBlock(block.block), chosen.contains(block.block)};
    }
    return joinSpans(ids);
}

Result<std::optional<QHash<qint64, qint64>>>
NameSearch::countMatchesByBlock(const QList<KeySpan> *spans, qint64 budget,
                                const SimulationQuery &query) const
{
    QVariantList values;
    const QString matches = matchesIn(spans, &values, &query);
    values << budget + 1;
    // The ids are read in id order, as FTS5 yields them, and counted here: SQLite's GROUP BY
    // sorts them first (1.2-1.9 ms for 3,700 at a million runs, against 0.3 for the ids alone).
    // PostgreSQL plans the matches for the text and the blocks, as a list's, and counts them
    // by block itself: a row a block, not one a match.
    const bool postgreSql = m_database.isPostgreSql();
    const QString limited = u"SELECT match_id FROM "_s + matches + u" LIMIT ?"_s;
    auto read = sql::readValueDependent(
        m_database,
        postgreSql ? u"SELECT match_id / "_s + QString::number(SimulationBlocks::kIds)
                + u", COUNT(*) FROM ("_s + limited + u") AS counted GROUP BY 1"_s
                   : limited,
        values, u"count name matches by block"_s);
    if (!read)
        return read.error();
    QHash<qint64, qint64> byBlock;
    qint64 total = 0;
    while (read.value().next()) {
        const qint64 id = read.value().value(0).toLongLong();
        const qint64 inBlock = postgreSql ? read.value().value(1).toLongLong() : 1;
        byBlock[postgreSql ? id : id / SimulationBlocks::kIds] += inBlock;
        if ((total += inBlock) > budget)
            return std::optional<QHash<qint64, qint64>>();
    }
    return std::optional(byBlock);
}

QString NameSearch::blocksCondition(const QList<KeySpan> &spans, QVariantList *values)
{
    QStringList blocks;
    for (const KeySpan &span : spans) {
        for (qint64 block = span.first / SimulationBlocks::kIds;
             block <= span.last / SimulationBlocks::kIds; ++block)
            blocks << QString::number(block);
    }
    values->append(QString(u'{' + blocks.join(u',') + u'}'));
    return u"simulation_id / "_s + QString::number(SimulationBlocks::kIds)
        + u" = ANY(CAST(? AS BIGINT[]))"_s;
}

QString NameSearch::matchesIn(const QList<KeySpan> *spans, QVariantList *values,
                              const SimulationQuery *filters) const
{
    if (m_database.isPostgreSql()) {
        QVariantList filterValues;
        const QStringList filtered = filters
            ? SimulationListQuery::filterConditions(*filters, &filterValues)
            : QStringList();
        // The index's key of the status, where these filters hold the one it reads.
        const bool keyed
            = filters && filters->status && statusName(*filters->status) == m_indexedStatus;
        if (!spans) {
            // Every match: OFFSET 0 keeps the planner from walking a filter's index, which holds
            // the names, over every run the filter leaves (at a million runs, 042 on one of two
            // machines: 222 ms, against 11 through the trigram index).
            const QString match = keyedMatchCondition(values, false, keyed);
            *values += filterValues;
            const QString where
                = filtered.isEmpty() ? QString() : u" WHERE "_s + filtered.join(u" AND "_s);
            return u"(SELECT simulation_id AS match_id FROM (SELECT * FROM simulations WHERE "_s
                + match + u" OFFSET 0) AS simulations"_s + where + u") AS name_matches"_s;
        }
        QStringList tests {blocksCondition(*spans, values),
                           keyedMatchCondition(values, true, keyed)};
        tests += filtered;
        *values += filterValues;
        return u"(SELECT simulation_id AS match_id FROM simulations WHERE "_s
            + tests.join(u" AND "_s) + u" OFFSET 0) AS name_matches"_s;
    }
    // Every match is counted at once on PostgreSQL alone (findMatchSpans).
    Q_ASSERT(spans);
    values->append(ftsPhrase());
    if (spans->isEmpty())
        return u"(SELECT rowid AS match_id FROM simulation_names WHERE simulation_names MATCH ? "
               "AND 0) AS name_matches"_s;
    // FTS5 seeks one range of rowids in its lists, from the first span to the last; the ids
    // between the spans are passed over before their rows are read. Several statements joined
    // by UNION ALL, one a span, took SQLite longer to prepare than to run (1 against 0.3 ms).
    *values << spans->constFirst().first << spans->constLast().last;
    return u"(SELECT rowid AS match_id FROM simulation_names WHERE simulation_names MATCH ? "
           "AND rowid BETWEEN ? AND ? AND "_s
        + spansCondition(u"rowid"_s, *spans, values) + u") AS name_matches"_s;
}

QString NameSearch::spansCondition(const QString &column, const QList<KeySpan> &spans,
                                   QVariantList *values)
{
    QStringList ranges;
    for (const KeySpan &span : spans) {
        ranges << column + u" BETWEEN ? AND ?"_s;
        *values << span.first << span.last;
    }
    return u"("_s + ranges.join(u" OR "_s) + u")"_s;
}

QList<NameSearch::MatchedBlock> NameSearch::blocksHoldingRows(QList<MatchedBlock> blocks,
                                                              qint64 rows, bool descending,
                                                              const std::optional<Key> &after)
{
    const InDirection order {descending};
    // Blocks wholly behind the cursor hold no row of the page; those it falls within may, but
    // their matches behind it do not count towards the page's rows.
    QList<MatchedBlock> ahead;
    QList<MatchedBlock> straddling;
    for (const MatchedBlock &block : std::as_const(blocks)) {
        if (block.matches <= 0 || (after && order.before(order.end(block), *after)))
            continue;
        (after && !order.before(*after, order.start(block)) ? straddling : ahead) << block;
    }
    std::sort(ahead.begin(), ahead.end(), [&](const MatchedBlock &a, const MatchedBlock &b) {
        return order.before(order.start(a), order.start(b));
    });
    // The page's last key comes at or before the furthest end of the blocks first in the order
    // that hold its rows.
    std::optional<Key> bound;
    qint64 held = 0;
    for (const MatchedBlock &block : std::as_const(ahead)) {
        if (held >= rows)
            break;
        held += block.matches;
        bound = !bound || order.before(*bound, order.end(block)) ? order.end(block) : *bound;
    }
    if (held < rows)
        bound.reset(); // every block ahead may hold a row of the page
    QList<MatchedBlock> holding = straddling;
    for (const MatchedBlock &block : std::as_const(ahead)) {
        if (!bound || !order.before(*bound, order.start(block)))
            holding << block;
    }
    return holding;
}

qint64 NameSearch::runsWalkedTo(const QList<MatchedBlock> &blocks,
                                const QList<MatchedBlock> &holding,
                                const QHash<qint64, qint64> &runs, bool descending,
                                const std::optional<Key> &after)
{
    const InDirection order {descending};
    std::optional<Key> bound;
    for (const MatchedBlock &block : holding) {
        if (!bound || order.before(*bound, order.end(block)))
            bound = order.end(block);
    }
    if (!bound)
        return 0;
    qint64 walked = 0;
    for (const MatchedBlock &block : blocks) {
        if (!order.before(*bound, order.start(block))
            && !(after && order.before(order.end(block), *after)))
            walked += runs.value(block.block);
    }
    return walked;
}

QSet<qint64> NameSearch::blocksBeforeRow(QList<MatchedBlock> blocks, qint64 offset, bool descending)
{
    const InDirection order {descending};
    std::sort(blocks.begin(), blocks.end(), [&](const MatchedBlock &a, const MatchedBlock &b) {
        return order.before(order.start(a), order.start(b));
    });
    // The matches of the blocks up to each, in that order.
    QList<qint64> through;
    qint64 sum = 0;
    for (const MatchedBlock &block : std::as_const(blocks))
        through << (sum += block.matches);
    QSet<qint64> passed;
    for (const MatchedBlock &block : std::as_const(blocks)) {
        // Every row before one of this block's has a key at or before its end, in a block
        // whose span starts there or before.
        const auto startsBeyond = std::upper_bound(blocks.cbegin(), blocks.cend(), order.end(block),
                                                   [&](const Key &key, const MatchedBlock &other) {
                                                       return order.before(key, order.start(other));
                                                   });
        if (through.at(startsBeyond - blocks.cbegin() - 1) <= offset)
            passed.insert(block.block);
    }
    return passed;
}

QList<NameSearch::KeySpan> NameSearch::joinSpans(QList<BlockSpan> blocks, qsizetype most)
{
    std::sort(blocks.begin(), blocks.end(),
              [](const BlockSpan &a, const BlockSpan &b) { return a.span.first < b.span.first; });
    QList<KeySpan> joined;
    bool previousHolds = false;
    for (const auto &[span, holds] : std::as_const(blocks)) {
        if (holds && !joined.isEmpty() && (previousHolds || span.first <= joined.last().last))
            joined.last().last = std::max(joined.last().last, span.last);
        else if (holds)
            joined << span;
        previousHolds = holds;
    }
    while (joined.size() > most) {
        qsizetype closest = 0;
        for (qsizetype i = 1; i + 1 < joined.size(); ++i) {
            if (joined.at(i + 1).first - joined.at(i).last
                < joined.at(closest + 1).first - joined.at(closest).last)
                closest = i;
        }
        joined[closest].last = joined.at(closest + 1).last;
        joined.removeAt(closest + 1);
    }
    return joined;
}

bool NameSearch::indexBeatsWalk(qint64 estimate, qint64 runs, qint64 filtered, qint64 pageRows,
                                bool namesInIndex, double indexedShare)
{
    const double share = double(std::max<qint64>(estimate, 1)) / double(std::max<qint64>(runs, 1));
    const double walked = std::min(double(filtered), double(pageRows) / share);
    return double(estimate) * indexedShare / kWalkCost
        < walked / (namesInIndex ? kIndexedNameCost : 1.0);
}

Result<qint64> NameSearch::runsLeftByOtherFilters(const SimulationQuery &query)
{
    if (m_filteredRuns)
        return *m_filteredRuns;
    SimulationQuery others = query;
    others.nameContains.clear();
    const Result<std::optional<qint64>> left
        = SimulationCounter(m_database).countFromCounters(others);
    if (!left)
        return left.error();
    m_filteredRuns = left.value().value_or(m_probe.runs);
    return *m_filteredRuns;
}

qint64 NameSearch::pageRows(const SimulationQuery &query, qint64 filtered)
{
    return query.limit < 0 ? filtered : query.offset + query.limit;
}

Status NameSearch::weighOtherFilters(const SimulationQuery &query)
{
    if (!m_database.isPostgreSql() || !isIndexable() || isSelective() || m_probe.estimate < 0
        || !query.filtersBesidesName())
        return success();
    const Result<qint64> filtered = runsLeftByOtherFilters(query);
    if (!filtered)
        return filtered.error();
    const Result<double> indexedShare = weighIndexedStatus(query, filtered.value());
    if (!indexedShare)
        return indexedShare.error();
    m_indexForFilters = indexBeatsWalk(
        m_probe.estimate, m_probe.runs, filtered.value(), pageRows(query, filtered.value()),
        SimulationListQuery(query, m_database.isPostgreSql()).orderIndexHoldsNames(),
        indexedShare.value());
    return success();
}

Result<double> NameSearch::weighIndexedStatus(const SimulationQuery &query, qint64 filtered)
{
    if (!m_database.isPostgreSql() || !query.status || *query.status == SimulationStatus::Finished
        || m_probe.runs <= 0)
        return 1.0;
    // The runs of the status alone: the other filters counted with it where there are none.
    qint64 runs = filtered;
    if (query.machineId || query.verdict) {
        SimulationQuery status;
        status.status = query.status;
        const Result<std::optional<qint64>> counted
            = SimulationCounter(m_database).countFromCounters(status);
        if (!counted)
            return counted.error();
        runs = counted.value().value_or(m_probe.runs);
    }
    const double share = double(runs) / double(m_probe.runs);
    if (share > kIndexedStatusShare)
        return 1.0;
    m_indexedStatus = statusName(*query.status);
    return share;
}

QString NameSearch::keyedMatchCondition(QVariantList *values, bool inBlocks, bool keyed) const
{
    QString condition = matchCondition(values, inBlocks);
    if (keyed && !m_indexedStatus.isEmpty()) {
        // After the name's values, as the text holds them.
        values->append(m_indexedStatus);
        condition += u" AND NULLIF(status, 'finished') = ?"_s;
    }
    return condition;
}

Status NameSearch::weighMatchedIds(const SimulationQuery &query)
{
    if (!usesFts() || !walksNames() || !query.filtersBesidesName()
        || (m_walkSpans && m_walkSpans->isEmpty()))
        return success();
    // Each statement of the walk (one a span) reads the matches.
    const Result<PageCosts> costs = costsOfPage(query, m_walkSpans ? m_walkSpans->size() : 1);
    if (!costs)
        return costs.error();
    m_walkChecksMatches = costs->walkCheckingIds < costs->walk;
    return success();
}

void NameSearch::rememberQueryMatches(qint64 matches)
{
    m_probe.queryMatches = matches;
    if (m_memo && m_memo->folded == m_folded)
        m_memo->queryMatches = matches;
}

qint64 NameSearch::everyMatchBound(const SimulationQuery &query) const
{
    // A count's probe counted them; a page after a cursor counts nothing. The blocks place a
    // text asked of the index whole.
    if (!boundsPagesOf(query) || !readsEveryMatch() || m_probe.matches >= 0 || query.after
        || !m_probe.indexWords.isEmpty())
        return 0;
    // A count from the statistics tells of the text: near the threshold either plan costs
    // about the same.
    if (plannerTellsMatches())
        return 0;
    return std::max(m_probe.threshold, m_pageRows) + 1;
}

bool NameSearch::plannerTellsMatches() const
{
    // Twice the floor, for the table's size as the planner last read it.
    return double(m_probe.estimate) > 2 * kPlannerFloorShare * double(m_probe.runs);
}

bool NameSearch::boundsPagesOf(const SimulationQuery &query) const
{
    // Other filters, applied after the matches are read, would hide how many were. Only where
    // the blocks can read the page instead: the walk of the status or the machine order past a
    // few thousand matches costs more than reading them (at a million runs 424 by status, 3,979
    // names: 7-11 against 6-9 ms).
    return m_database.isPostgreSql() && !query.filtersBesidesName() && query.limit >= 0
        && blocksPlaceOrder(query);
}

Status NameSearch::learnMatchesBeyond(qint64 bound)
{
    m_passedBound = true;
    m_learnt = std::max(m_learnt, bound);
    m_probe.learnt = std::max(m_probe.learnt, bound);
    m_probe.matches = m_probe.counted + 1; // as if counted: more than the reach
    return remember();
}

void NameSearch::rememberPageStart(const SimulationQuery &query, qint64 firstId)
{
    if (!m_matchesInIdOrder || !query.descending || query.after || query.offset > 0
        || query.filtersBesidesName())
        return;
    m_probe.newestMatch = firstId;
    if (m_memo) {
        if (m_memo->folded != m_folded)
            *m_memo = NameProbe {m_folded};
        m_memo->newestMatch = firstId;
    }
}

std::optional<qint64> NameSearch::queryMatches() const
{
    if (m_memo && m_memo->folded == m_folded && m_memo->queryMatches >= 0)
        return m_memo->queryMatches;
    return std::nullopt;
}

Status NameSearch::remember()
{
    if (m_memo) {
        // The blocks read in a snapshot hold for the text whatever the probe's reach: a page
        // placed by an offset probes twice (the row before it, a page of the offset's rows, then
        // the page, of its limit's), and reads the blocks once.
        const bool sameText = m_memo->folded == m_folded;
        QList<NameProbe::Block> blocks = sameText ? m_memo->blocks : QList<NameProbe::Block>();
        QHash<qint64, qint64> blockMatches
            = sameText ? m_memo->blockMatches : QHash<qint64, qint64>();
        QString blockMatchesFilters = sameText ? m_memo->blockMatchesFilters : QString();
        const quint64 snapshot = sameText ? m_memo->blocksSnapshot : 0;
        // What a plan of the query counted stays the query's count: the row before a page
        // placed by an offset is planned with the offset's rows, and may count every match,
        // then the page probes with its own threshold. So does the blocks' count of the name.
        const qint64 queryMatches = sameText ? m_memo->queryMatches : -1;
        const qint64 blocksCount = sameText ? m_memo->blocksCount : -1;
        const bool blocksCounted = sameText && m_memo->blocksCounted;
        *m_memo = m_probe;
        if (m_memo->queryMatches < 0)
            m_memo->queryMatches = queryMatches;
        m_memo->blocksCount = blocksCount;
        m_memo->blocksCounted = blocksCounted;
        if (snapshot != 0 && (m_memo->blocksSnapshot == 0 || m_memo->blocksSnapshot == snapshot)) {
            m_memo->blocks = std::move(blocks);
            m_memo->blockMatches = std::move(blockMatches);
            m_memo->blockMatchesFilters = std::move(blockMatchesFilters);
            m_memo->blocksSnapshot = snapshot;
        }
    }
    keepEstimates();
    return success();
}

void NameSearch::takeKeptEstimates()
{
    const QMutexLocker lock(&s_keptEstimatesMutex);
    const KeptEstimates *kept
        = freshKeptEstimates({m_database.instanceId(), m_folded}, m_probe.runs);
    if (!kept)
        return;
    if (m_probe.estimate < 0)
        m_probe.estimate = kept->estimate;
    m_probe.learnt = std::max(m_probe.learnt, kept->learnt);
    if (!m_probe.wordsChosen && kept->wordsChosen) {
        m_probe.indexWords = kept->indexWords;
        m_probe.wordsChosen = true;
    }
    // SQLite's share depends on the newest matches its probe counted; PostgreSQL's does not.
    if (m_probe.share < 0 && (kept->shareCounted == m_probe.counted || m_database.isPostgreSql()))
        m_probe.share = kept->share;
}

std::optional<double> NameSearch::keptShare() const
{
    const QMutexLocker lock(&s_keptEstimatesMutex);
    const KeptEstimates *kept
        = freshKeptEstimates({m_database.instanceId(), m_folded}, m_probe.runs);
    return kept && kept->share >= 0 ? std::optional<double>(kept->share) : std::nullopt;
}

void NameSearch::keepEstimates() const
{
    if (m_probe.runs <= 0)
        return; // nothing to hold them against (or no runs to estimate)
    const QMutexLocker lock(&s_keptEstimatesMutex);
    const KeptEstimatesKey key {m_database.instanceId(), m_folded};
    KeptEstimates *kept = s_keptEstimates.object(key);
    // A new entry is filled before the cache owns it (which may let go of it at once).
    std::unique_ptr<KeptEstimates> fresh;
    if (!kept || !kept->freshFor(m_probe.runs)) {
        // Its lifetime counts from the first of its estimates.
        fresh = std::make_unique<KeptEstimates>();
        fresh->age.start();
        fresh->runs = m_probe.runs;
        kept = fresh.get();
    }
    if (m_probe.estimate >= 0)
        kept->estimate = m_probe.estimate;
    kept->learnt = std::max(kept->learnt, m_probe.learnt);
    if (m_probe.wordsChosen) {
        kept->indexWords = m_probe.indexWords;
        kept->wordsChosen = true;
    }
    if (m_probe.share >= 0) {
        kept->share = m_probe.share;
        kept->shareCounted = m_probe.counted;
    }
    if (fresh)
        s_keptEstimates.insert(key, fresh.release());
}

QString NameSearch::source(QVariantList *values, qint64 bound, const MatchWindow *window) const
{
    if (!isIndexable() || (!readsIndexMatches() && !m_matchesInIdOrder))
        return u"simulations"_s;
    if (m_database.isPostgreSql()) {
        // OFFSET 0 keeps the planner from folding the matches into the outer query, where it
        // could still walk the order's index. The matched rows stand for the table: the heap
        // has been read for them already, to check each name.
        // The matches of the spans' blocks alone, from the index keyed by block (migration 030).
        std::optional<QList<KeySpan>> spans = m_matchSpans;
        if (!spans && window && window->byBlock)
            spans = QList<KeySpan> {window->ids};
        const QString blocks = spans ? blocksCondition(*spans, values) + u" AND "_s : QString();
        const QString matches = u"(SELECT * FROM simulations WHERE "_s + blocks
            + keyedMatchCondition(values, spans.has_value(), true);
        if (bound <= 0)
            return matches + u" OFFSET 0) AS simulations"_s;
        values->append(bound);
        return matches + u" LIMIT ?) AS simulations"_s;
    }
    // CROSS JOIN keeps SQLite from walking the order's index and probing the matches.
    const QString join = u" CROSS JOIN simulations ON simulation_id = match_id"_s;
    if (m_matchSpans)
        return matchesIn(&*m_matchSpans, values) + join;
    values->append(ftsPhrase());
    return u"(SELECT rowid AS match_id FROM simulation_names WHERE simulation_names MATCH ?) "
           "AS name_matches"_s
        + join;
}

QString NameSearch::condition(QVariantList *values, Use use) const
{
    if (m_database.isPostgreSql()) {
        if (readsIndexMatches())
            return QString(); // the source's matches
        // A walk checks each name with a test the trigram index cannot serve, so that the
        // planner keeps to the order's index.
        if (use != Use::Count) {
            values->append(m_folded);
            QString test = u"strpos(name_folded, ?) > 0"_s;
            if (m_walkIds) {
                // Between the keys of the blocks it walks, the order's index is the narrower:
                // the ids' range, out of the primary key's reach, is checked in it.
                test += m_walksReadBlocks ? u" AND simulation_id + 0 BETWEEN ? AND ?"_s
                                          : u" AND simulation_id BETWEEN ? AND ?"_s;
                *values << m_walkIds->first << m_walkIds->last;
                if (!m_walkKeys.isEmpty())
                    test += u" AND "_s + m_walkKeys;
            }
            return test + walkFromCondition(values, use);
        }
        return matchCondition(values);
    }
    if (use == Use::Count) {
        values->append(m_pattern);
        return u"name_folded LIKE ? ESCAPE '\\'"_s;
    }
    // The unary + keeps SQLite from reading the ids (of a range, or of the index's matches)
    // from the table and sorting them, which it otherwise prefers to the order's index however
    // many they are; it checks each id in that index, before reading the row. Under each of the
    // order's keys (walkKeys) it seeks the range in the order's index instead.
    QStringList tests;
    if (m_walkChecksMatches) {
        tests << u"+simulation_id IN (SELECT rowid FROM simulation_names "
                 "WHERE simulation_names MATCH ?)"_s;
        values->append(ftsPhrase());
    }
    if (m_walkIds) {
        if (m_walkKeys.isEmpty())
            tests << u"+simulation_id BETWEEN ? AND ?"_s;
        else
            tests << m_walkKeys << u"simulation_id BETWEEN ? AND ?"_s;
        *values << m_walkIds->first << m_walkIds->last;
    }
    tests << u"name_folded LIKE ? ESCAPE '\\'"_s;
    values->append(m_pattern);
    return tests.join(u" AND "_s) + walkFromCondition(values, use);
}

bool NameSearch::walkFromPassedBy(const QVariant &key) const
{
    if (!m_walkFrom || !key.isValid())
        return false;
    const QVariant &from = m_walkFrom->key;
    // Name keys compare as their UTF-8 bytes, as the databases order them (findWalkFrom).
    const int order = m_walkFrom->column == "name_key"_L1
        ? key.toString().toUtf8().compare(from.toString().toUtf8())
        : (key.toLongLong() > from.toLongLong()) - (key.toLongLong() < from.toLongLong());
    return m_walkFrom->descending ? order <= 0 : order >= 0;
}

// The order's index is read from the walk's first key (walkFrom).
QString NameSearch::walkFromCondition(QVariantList *values, Use use) const
{
    if (!m_walkFrom || use != Use::Walk)
        return QString();
    values->append(m_walkFrom->key);
    QString bounds
        = u" AND "_s + m_walkFrom->column + (m_walkFrom->descending ? u" <= ?"_s : u" >= ?"_s);
    if (m_walkFrom->to.isValid()) {
        values->append(m_walkFrom->to);
        bounds
            += u" AND "_s + m_walkFrom->column + (m_walkFrom->descending ? u" >= ?"_s : u" <= ?"_s);
    }
    return bounds;
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
    if (database.isPostgreSql()) {
        // Without pg_trgm there is no index to tidy. Kept: the upkeep runs it every tick.
        const auto moved
            = sql::runKept(database,
                           u"SELECT gin_clean_pending_list(i) FROM "
                           "to_regclass('simulations_name_trgm_idx') AS i WHERE i IS NOT NULL"_s,
                           {}, u"move the name index's pending entries into it"_s);
        return moved ? success() : Status(moved.error());
    }
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
