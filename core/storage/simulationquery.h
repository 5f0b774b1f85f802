#pragma once

#include "lossstatistics.h"
#include "simulationstatus.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>
#include <optional>

namespace aisim {

// Where a page ends: the sort key of its last row and that row's id.
struct SimulationCursor
{
    QVariant key;
    qint64 id = 0;
};

// What a name search learnt of its text from the index (NameSearch::probe).
struct NameProbe
{
    QString folded;
    // How many runs match the name alone, counted up to counted + 1; -1 when not counted
    // (PostgreSQL's planner expects at most threshold: the plan needed no more).
    qint64 matches = 0;
    // How far the probe counted: the threshold for a plan, less for a count alone.
    qint64 counted = 0;
    // The matches beyond which a page walks the order's index instead.
    qint64 threshold = 0;
    // Runs in the table when probed.
    qint64 runs = 0;
    // PostgreSQL: the planner's count of the name's matches, or for a text of three
    // characters its count from the blocks (NameSearch::matchesFromBlocks) where they can
    // tell; -1 before it is asked.
    qint64 estimate = -1;
    // PostgreSQL: the matches a page's read of every match found at least, more than the
    // planner's count (NameSearch::everyMatchBound); -1 where none did.
    qint64 learnt = -1;
    // The words of the text the trigram index is asked for, where others are in most names
    // (NameSearch::chooseIndexWords), on SQLite a word of three characters with the separator
    // on either side of it in the text; empty: the whole text. wordsChosen: they were chosen.
    QStringList indexWords = {};
    bool wordsChosen = false;
    // SQLite: the lowest id among the newest matches counted (by id).
    qint64 lowestNewestMatch = 0;
    // SQLite: the id of the newest run the name alone matches, when a page newest first read it
    // before the count (NameSearch::rememberPageStart); 0 when unknown.
    qint64 newestMatch = 0;
    // The runs the whole query matches (the name and the other filters), when a page read
    // every one of them (NameSearch::readsEveryMatch); -1 otherwise.
    qint64 queryMatches = -1;
    // A text of three characters: its matches as the blocks counted them for this query
    // (NameSearch::matchesFromBlocks), its plan's and its count's, kept in the memo alone; -1
    // before they are asked (blocksCounted), or where they could not tell.
    qint64 blocksCount = -1;
    bool blocksCounted = false;
    // The share of all runs the name matches, as NameSearch::estimatedShare() found it; -1
    // before it is asked. A page's plan and its count ask once.
    double share = -1.0;
    // The blocks of ids (SimulationBlocks) that have held runs: each one's span of creation
    // dates, whether its names may hold the text, its runs, its span of name keys (null where
    // not known) and of update dates (migration 024; none where not known)
    // (NameSearch::findWalkSpans), and, for a text of three characters, how many of its names
    // hold it where the block has nothing left to gather (migration 033; none otherwise), as
    // read in the snapshot blocksSnapshot
    // (sql::ReadSnapshot::current). A page placed by an offset plans twice in one snapshot: it
    // reads them once.
    struct Block
    {
        qint64 block = 0;
        qint64 firstCreated = 0;
        qint64 lastCreated = 0;
        bool holds = false;
        qint64 runs = 0;
        QString firstNameKey = {};
        QString lastNameKey = {};
        std::optional<qint64> firstUpdated = {};
        std::optional<qint64> lastUpdated = {};
        std::optional<qint64> names = {};
        // Names of its runs are still to gather into its counts (migration 031).
        bool pending = false;
    };
    QList<Block> blocks = {};
    quint64 blocksSnapshot = 0;
    // The trigram index's matches of the text in each block counted in that snapshot
    // (NameSearch::findMatchSpans), by block, under the filters blockMatchesFilters tells of
    // (on PostgreSQL a status, a machine, a verdict). The plans of a page placed by an offset
    // (the row before it, the page after that row) count the blocks that can hold it once.
    QHash<qint64, qint64> blockMatches = {};
    QString blockMatchesFilters = {};

    // Every match was counted, or the planner expects few.
    bool countedAll() const { return matches <= counted; }
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
    // A status, a machine or a verdict: a filter besides the name's.
    bool filtersBesidesName() const { return status || machineId || verdict; }
    qint64 limit = -1; // all
    qint64 offset = 0;
    // Only the rows after this one in the order (keyset paging).
    std::optional<SimulationCursor> after;
    // How many runs the query matches, when the reader has counted them (the window's count):
    // a deep page by offset is then found from the nearer end whatever the filters. Unset,
    // the counters tell it where they can (SimulationLister::kDeepOffset).
    std::optional<qint64> matches;
    // Where the first read of a name search keeps its probe for this query's copies: counting
    // and reading a page, or the windows of a streamed list, then ask the index once. Readers
    // of a query that read it once leave it empty.
    std::shared_ptr<NameProbe> nameProbe;

    // Maps the API's order_by values to a column; nullopt for anything else.
    static std::optional<OrderBy> orderByFromString(const QString &text);
    static QString orderByName(OrderBy orderBy);
};

} // namespace aisim
