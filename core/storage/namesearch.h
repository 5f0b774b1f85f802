#pragma once

#include "result.h"
#include "simulationquery.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QVariantList>

#include <optional>
#include <utility>

namespace aisim {

class Database;

// How a "name contains" filter is answered. The names are stored folded (every script); the
// text searched for is folded the same way, and a plain LIKE over the folded names is always
// the reference. A trigram index finds the candidates of texts of three characters or more:
// FTS5 (table simulation_names) on SQLite, pg_trgm's GIN index on PostgreSQL, which the
// planner uses for the same LIKE by itself; there the index is keyed by block of ids too
// (migration 030), so that the matches of a few blocks are read alone.
class NameSearch
{
public:
    // A page of a search is read either from the index's matches, all of them looked up and
    // sorted, or by walking the order's index and checking each name until the page is full.
    // The first costs each match, the second each row walked: a page of R rows (its offset
    // included, at least kPageRows) among M matches of N runs walks R N / M rows, so with a row
    // costing 1/k of a match (walkedPerMatch) both cost the same near sqrt(R N / k) matches.
    // Beyond that many matches (at least kMinIndexedMatches, at most kIndexedMatches for each
    // kPageRows rows) a page walks. A page at offset 3,000 of a text in 3,700 of a million runs
    // walked 800,000 entries of the update order (85 ms), where reading the matches takes 8.
    //  - A walk that looks up each row to check its name: a row costs about a quarter of a
    //    match (k = 4), for 100 rows sqrt(25 N), 5,000 at a million runs.
    //  - A walk of an index that holds the names (namesInWalk, the orders of
    //    SimulationListQuery::orderIndexHoldsNames): each entry is kIndexedNameCost times
    //    cheaper than a row, and a match, its row looked up and sorted, costs about 1.25 rows
    //    (k = 12.5): for 100 rows sqrt(8 N), 2,828 at a million runs. A text in 3,979 of a
    //    million runs by name read and sorted its matches in 8-15 ms on SQLite (a row of the
    //    table each, out of SQLite's cache), where the name index's walk past 25,000 entries
    //    takes 2-5 ms.
    static constexpr qint64 kMinIndexedMatches = 200;
    static constexpr qint64 kIndexedMatches = 10'000;
    static constexpr qint64 kPageRows = 100;
    static qint64 indexedMatches(qint64 runs, bool namesInWalk = false,
                                 qint64 pageRows = kPageRows);
    // k above: the rows a walk passes for the cost of one match read.
    static double walkedPerMatch(bool namesInWalk);

    // memo, when given, keeps the probe for the next NameSearch of the same text (see
    // SimulationQuery::nameProbe).
    NameSearch(Database &database, const QString &text, std::shared_ptr<NameProbe> memo = {});

    bool isEmpty() const { return m_folded.isEmpty(); }
    // The LIKE pattern of the folded text, wildcards escaped with a backslash.
    const QString &likePattern() const { return m_pattern; }
    // Three characters or more: the trigram index can find the matches.
    bool isIndexable() const;
    // PostgreSQL: pg_trgm takes a trigram from the text for its index. It reads the trigrams of
    // a LIKE pattern's words (letters and digits), a word padded with two blanks where a
    // separator precedes it in the text and one where one follows: a text without one (only
    // separators, "---", or one letter before them, "x--") would read the whole index, every
    // row a candidate (at a million runs 0.5-1.9 s). Letters beyond ASCII are letters here, as
    // in a database whose LC_CTYPE knows them (C.UTF-8, en_US.UTF-8): under LC_CTYPE C, where
    // pg_trgm takes them for separators, a text of them reads the index whole as before, where
    // taking them for separators everywhere would read every block that may hold a common one.
    bool trigramIndexServes() const;
    // Three characters: one of the characters whose names the blocks count (migration 033).
    bool countsByBlock() const;
    // Counts the matches of an indexable name alone through the index, up to the threshold
    // for the table's size (indexedMatches) and one; decides the plan. Shorter texts are not
    // probed (no index to ask): they are matched while walking the order's index. Asks the
    // index once for a memo shared by several searches of the same text.
    Status probe();
    // As probe(), for a count alone: counts at most kCountedMatches (and one), enough to tell
    // a count exactly or to estimate it (estimatedShare), without reading a plan's worth.
    Status probeForCount();
    static constexpr qint64 kCountedMatches = 1'000;
    // Known after probe(): at most threshold() runs match the name alone. After
    // probeForCount(): at most what it counted.
    bool isSelective() const { return m_probe.threshold > 0 && m_probe.countedAll(); }
    // Known for a selective search after probeForCount(): how many runs the name alone
    // matches (after probe() on PostgreSQL, -1: the planner's estimate decided).
    qint64 selectiveMatches() const { return m_probe.matches; }
    // A page of a selective search reads every match, sorted (not in id order): it counts
    // them, filters included, on the way.
    bool readsEveryMatch() const
    {
        return readsIndexMatches() && !m_matchesInIdOrder && !m_matchSpans
            && m_matchWindows.isEmpty();
    }
    // Keeps what such a page counted for the query's count (SimulationCounter).
    void rememberQueryMatches(qint64 matches);
    // PostgreSQL: the rows such a page reads at most where the planner's count of the text
    // sent it there (0: all of them). The planner counts a text its statistics do not show at
    // its floor, a hundredth of a percent of the runs (kPlannerFloorShare), whatever its
    // matches (at a million runs 100 for 424, in 3,979 names, and for 0000424, in one): a page
    // of the name alone then reads at most the plan's threshold of matches (the page's rows
    // where these are more) and one, so that reading them all costs no more than the plan
    // allowed for.
    qint64 everyMatchBound(const SimulationQuery &query) const;
    static constexpr double kPlannerFloorShare = 0.0001;
    // After a page read as many matches as everyMatchBound(): the text has more, the planner
    // counted too few. They are taken to be that many (NameProbe::learnt, kept for the text's
    // next searches in the memo and for kEstimatesLifetimeMs) by the pages that bound their
    // reads, and the page must be planned again (planPage): it reads the blocks that hold it,
    // or walks.
    Status learnMatchesBeyond(qint64 bound);
    // A page of this search read as many matches as everyMatchBound(), none of them given.
    bool passedBound() const { return m_passedBound; }
    // Known after probe(): it counted every match of the name alone (SQLite; on PostgreSQL the
    // planner's estimate decides, and the matches are not counted).
    bool matchesCounted() const { return isSelective() && m_probe.matches >= 0; }
    // What a page of this query counted, if one did.
    std::optional<qint64> queryMatches() const;
    // After a page of query, with the id of its first row: a page of the name alone, newest
    // first from the start, began at the newest match, which a count then need not look for
    // again (the index's candidates above it can be many where the name's trigrams are common).
    void rememberPageStart(const SimulationQuery &query, qint64 firstId);
    // Known after probe(): more matches than this make a search walk the order's index.
    qint64 threshold() const { return m_probe.threshold; }
    // How many matches the probe counted at most: a search that is not selective has more.
    qint64 counted() const { return m_probe.counted; }
    // After probe() of a search that is not selective (or not indexable): the share of all runs
    // whose names match, estimated from a sample of kWindows windows of kWindowIds ids spread
    // evenly over the table's ids (sampleIds). On SQLite the newest matches the probe counted
    // stand for themselves and the older runs are sampled; on PostgreSQL a name the windows
    // missed is estimated from the planner's count. Read once for the text (memo).
    Result<double> estimatedShare();
    // A text of three characters: how many runs its name matches, exact, from the counts the
    // blocks keep of the names that hold each three characters (migration 033), the blocks
    // still to gather counted through the index, at most kCountedPendingBlocks of them. None
    // for another text, or where more blocks are left to gather (as after the migration, until
    // the housekeeper has gathered them).
    Result<std::optional<qint64>> matchesFromBlocks();
    static constexpr qsizetype kCountedPendingBlocks = 8;
    static constexpr qint64 kWindows = 128;
    static constexpr qint64 kWindowIds = 4;

    // Decides how a page of query is read, before its statements are written. While runs are
    // in creation order (migration 012), a page in creation or id order on SQLite reads the
    // index's matches in id order, as FTS5 yields them, and stops when it is full: unless other
    // filters leave few of the matches, it needs no probe. Anything else is probe().
    Status planPage(const SimulationQuery &query);
    // PostgreSQL, with other filters: whether a page reads the trigram index's matches rather
    // than walk another filter's index. That walk reads the page's rows (offset included)
    // divided by the name's share of the runs, at most the runs the filters leave (filtered).
    // It checks each name in the table, a look-up of its row, unless the walked index holds the
    // names (namesInIndex, SimulationListQuery::orderIndexHoldsNames): then each costs
    // kIndexedNameCost times less. The index's matches are read in the table's order, each
    // several times cheaper than a look-up (kWalkCost). estimate: the planner's count of the
    // name's matches. indexedShare: the share of the runs that the status the index is keyed by
    // leaves (indexedStatus(); 1 without one): of the name's matches the index yields those.
    static bool indexBeatsWalk(qint64 estimate, qint64 runs, qint64 filtered, qint64 pageRows,
                               bool namesInIndex, double indexedShare = 1.0);
    // PostgreSQL, known after planPage(): the status the trigram index reads the name's matches
    // under (its key NULLIF(status, 'finished'), migration 036), the query's status where it is
    // not finished and at most kIndexedStatusShare of the runs have it; empty where none. A
    // status that many rows share costs the index more than checking it on each match does.
    const QString &indexedStatus() const { return m_indexedStatus; }
    static constexpr double kIndexedStatusShare = 0.1;
    // SQLite, a page of a name too common to read all its matches, with other filters: what
    // each way of reading it costs, in look-ups of a row. statements: how many statements the
    // walk has (one a span of blocks, each reads the matches).
    //  - walk: the filters' index walked, each row looked up to check its name, until the name
    //    has matched the page's rows (at most the runs the filters leave, filtered); where the
    //    index holds the names (namesInIndex), each tested there, kIndexedNameCost times
    //    cheaper;
    //  - walkCheckingIds: the same walk checking each id among the matches read first (each
    //    match kWalkCost times cheaper than a row, each id checked kIdCheckCost times);
    //  - matchesInIdOrder: the matches read in id order (creation and id order only), each row
    //    looked up to check the filters, until they have left the page's rows.
    // Where the filters leave most runs (a machine of two) a few hundred matches fill a page;
    // where they leave few (a status), a walk does.
    struct PageCosts
    {
        double walk = 0;
        double walkCheckingIds = 0;
        double matchesInIdOrder = 0;
    };
    static PageCosts pageCosts(qint64 matches, qint64 runs, qint64 filtered, qint64 pageRows,
                               qint64 statements, bool namesInIndex);
    static constexpr double kIdCheckCost = 40.0;
    static constexpr double kWalkCost = 4.0;
    // At a million runs, 8,400 failed runs walked: 1.3 ms with their names in the index, 17 ms
    // looking up each row (SQLite); 1.0 and 9.5 ms (PostgreSQL).
    static constexpr double kIndexedNameCost = 10.0;
    // Known after planPage(): the page reads the index's matches in id order (match_id).
    bool readsMatchesInIdOrder() const { return m_matchesInIdOrder; }
    // Known after planPage(): the page walks the order's index and checks each name.
    bool walksNames() const { return !isEmpty() && !m_matchesInIdOrder && !readsIndexMatches(); }
    // A page in creation or id order that walks names: the spans of the order's
    // key (creation dates, ids), in order, of the blocks of ids (SimulationBlocks) whose names
    // hold every three characters of the text (migration 020). No run outside them can match,
    // so the walk reads these spans alone, one after the other: matches gathered in a few
    // blocks are not reached through the runs of all the others. Empty: no run matches.
    // Without a value: the whole order is walked. Known after planPage(). At most kWalkSpans,
    // the closest ones joined.
    struct KeySpan
    {
        qint64 first = 0;
        qint64 last = 0;
    };
    const std::optional<QList<KeySpan>> &walkSpans() const { return m_walkSpans; }
    // A page of a name in the name, update or creation order (on SQLite alone, no other
    // filter; on PostgreSQL the blocks' matches are counted under the status, machine and
    // verdict too):
    // the spans of ids of the blocks (SimulationBlocks) that can hold its rows, where they hold
    // at most the plan's threshold of matches. Blocks taken by their spans of the order's key,
    // in the page's direction, until their matches fill the page's rows (offset included, past
    // the cursor) bound the page's last key: no run of a block whose span starts beyond it can
    // be on the page. The trigram index's matches are counted in those blocks alone. Where
    // names or dates follow the ids, that is a block or a few of a text's thousands of matches
    // (at a million runs, 555 in 3,700 names by update date walked 55,000 index entries,
    // 8.3 ms); where the spans overlap, most blocks, and the page walks or reads every match as
    // before. On PostgreSQL, only for a name the planner expects in more runs than the
    // threshold, whose page would walk: the trigram index keyed by block (migration 030) reads
    // a block's matches in 0.05 to 0.1 ms, against the few microseconds FTS5 takes: where the
    // blocks to count would cost more than every match counted by block in one statement
    // (kCountedBlockCost, kEveryMatchCountCost), that statement counts them all, and gives the
    // query's count, exact, on the way; where the walk costs less still (weighed, once blocks
    // are counted, at their density, over every block up to the page's), the page walks. At a
    // million runs, 042 newest first read its 100 matches from the newest 13 blocks where the
    // walk passed 50,000 index entries; 042 by name last first at offset 2,000, which walked
    // 570,000, counts every block of its 14,000 matches. Known after planPage(): the page reads
    // the matches of these spans alone (readsIndexMatches).
    const std::optional<QList<KeySpan>> &matchSpans() const { return m_matchSpans; }
    // After probe() on PostgreSQL, of a text the trigram index does not serve: the ranges of
    // ids its matches are read in (findBlocksHoldingText).
    const std::optional<QList<KeySpan>> &holdingSpans() const { return m_holdingSpans; }
    // The orders whose keys the blocks' spans tell: name, update and creation date.
    static bool blocksPlaceOrder(const SimulationQuery &query);
    // PostgreSQL, a page in id order (the status or the machine order under that filter, or a
    // group of one, SimulationLister::readGroups), or in creation order under another filter
    // where the blocks' creation dates follow their ids (blocksInCreationOrder; of the name
    // alone the blocks' counts place the page, matchSpans): the index keyed by block (migration
    // 030) reads the matches of a few blocks in 0.05 to 0.1 ms each, where reading every match
    // of a text in thousands of runs and sorting it took 5-8 ms at a million runs (424 by
    // status), walking the order's index past a sparse text's first rows 7 (042 on one machine
    // of two, newest first), and counting the blocks under the machine to place the page 4 (the
    // same in creation order). The page reads windows of ids from its end, in its direction,
    // each in the page's order and read after the one before it (in creation order whole
    // blocks, bounded by the cursor's key): the first of kFirstWindowBlocks blocks
    // (or as many as the planner's count of the text puts its page's rows in; for a text of
    // three characters, as many as the blocks' counts of it do, blockHoldingNames), the second
    // kWindowGrowth times as many, both through the index keyed by block; the last every match
    // of the ids left, as a page that reads every match does. Its statements stop once the
    // page is full. Known after planPage(); empty where the page is read otherwise.
    struct MatchWindow
    {
        KeySpan ids;
        bool byBlock = false; // asks the index for the window's blocks
    };
    const QList<MatchWindow> &matchWindows() const { return m_matchWindows; }
    static constexpr qint64 kFirstWindowBlocks = 4;
    static constexpr qint64 kWindowGrowth = 4;
    // The last window reads every match of the ids left: windows are for texts whose matches the
    // planner or the blocks count (plannerTellsMatches; not at the planner's floor, where they may
    // be a few scattered over every block: 0424, in 1,300 runs, 1.8 against 3.2 ms; and where
    // reading every match counts them for the page exactly), at most kWindowedMatchesFactor times
    // the plan's threshold (run-09, in 100,000 names, walks) but for a text of three characters,
    // whose blocks' counts size the first window, no more than kDenseBlockRows times the page's
    // rows in a block on average (RUN, in every name, fills a page from a few hundred runs
    // walked) nor in the block that fills the first window where fewer ids lie before it than
    // names in it, and for filters that leave at least kWindowedShare of the runs (a filter
    // leaving fewer would have the windows read most blocks before the page is full).
    // A page at an offset of kWindowedOffset rows or more (SimulationLister::kDeepOffset) is
    // planned as before, its matches read and counted or the order walked: windows spread over
    // its offset counted what each skipped and read most blocks anyway (at a million runs, 042
    // on machine 101 by machine at offset 1,500: 17-25 against 10 ms), and the page's count of
    // every match, exact, became an estimate.
    static constexpr qint64 kWindowedOffset = 1'000;
    static constexpr qint64 kWindowedMatchesFactor = 4;
    static constexpr double kDenseBlockRows = 4.0;
    static constexpr double kWindowedShare = 0.1;
    // After probe(): whether pages of the text in id order may read windows (matchWindows),
    // whatever their filters: an indexable text asked of the index whole, on PostgreSQL, as
    // kWindowedMatchesFactor and kDenseBlockRows tell (the block that fills a window aside).
    bool windowsMayRead() const;
    static constexpr qint64 kBlockCountFactor = 8;
    // PostgreSQL: what counting a block's matches costs, in matches read and sorted. The
    // index keyed by block is sought once for each block, and reads the text's trigrams each
    // time: at a million runs, 50 blocks that hold 042 or 171 a dozen times each took 2.8 to
    // 4.6 ms, where a page that reads 042's 14,000 matches and sorts them takes 18.
    static constexpr double kCountedBlockCost = 55.0;
    // PostgreSQL: what counting a match costs where every match is counted by block in one
    // statement, in matches read and sorted: at a million runs, 042's 14,000 matches in 5.7 to
    // 6.3 ms, 171's 4,000 in 1.9 to 3.0.
    static constexpr double kEveryMatchCountCost = 0.35;
    // PostgreSQL: the blocks a plan counts one by one at most (on SQLite the matches alone
    // bound it, kBlockCountFactor); beyond them every block is counted at once.
    static constexpr qsizetype kCountedBlocks = 256;
    // Known after planPage(), with matchSpans() for a page placed by an offset: the matches of
    // the blocks left out of the spans because each of their rows comes before the page
    // (blocksBeforeRow). The page starts that many rows less deep among the spans' matches:
    // at a million runs, the row before the 31st page of 555 (3,700 matches) by update date
    // read and sorted 3,000 rows where the blocks' counts tell the 2,900 of them that come
    // first.
    qint64 rowsPassedOver() const { return m_rowsPassedOver; }
    // A key of the name order as its UTF-8 bytes, as the databases order them (COLLATE "C" on
    // PostgreSQL, BINARY on SQLite), or of a date order as a number.
    struct Key
    {
        QByteArray bytes;
        qint64 number = 0;
        friend bool operator<(const Key &a, const Key &b)
        {
            return a.bytes != b.bytes ? a.bytes < b.bytes : a.number < b.number;
        }
    };
    // A block's matches and the span of the order's key its runs lie in (findMatchSpans).
    struct MatchedBlock
    {
        qint64 block = 0;
        qint64 matches = 0;
        Key first;
        Key last;
    };
    // The blocks whose matches can be among the first rows of an order (descending: from its
    // end), past a cursor's key where there is one: those whose spans start within the last key
    // of the blocks that hold the rows first; all where they do not hold as many.
    static QList<MatchedBlock> blocksHoldingRows(QList<MatchedBlock> blocks, qint64 rows,
                                                 bool descending,
                                                 const std::optional<Key> &after = {});
    // In an order's direction (descending: from its end): a key before another, and a
    // block's first and last key.
    struct InDirection
    {
        bool descending = false;
        bool before(const Key &a, const Key &b) const { return descending ? b < a : a < b; }
        const Key &start(const MatchedBlock &b) const { return descending ? b.last : b.first; }
        const Key &end(const MatchedBlock &b) const { return descending ? b.first : b.last; }
    };
    // The runs a walk of the order passes up to the last row of a page held by holding
    // (blocksHoldingRows): those of every block (runs by block) whose span starts at or before
    // the furthest end of those, whether it holds matches or not; none wholly behind the cursor.
    static qint64 runsWalkedTo(const QList<MatchedBlock> &blocks,
                               const QList<MatchedBlock> &holding,
                               const QHash<qint64, qint64> &runs, bool descending,
                               const std::optional<Key> &after);
    // Of blocks that hold every match of the first rows of an order (blocksHoldingRows, no
    // cursor), those whose rows all come within the first offset: a block's rows come at
    // most as deep as the matches of the blocks whose spans start at or before its end.
    static QSet<qint64> blocksBeforeRow(QList<MatchedBlock> blocks, qint64 offset, bool descending);
    // A walk in another order: the ids from the first of those blocks to the last, which the
    // walk's condition holds. Every order's index holds the id, so the runs outside are passed
    // over in the index without reading their rows.
    const std::optional<KeySpan> &walkIds() const { return m_walkIds; }
    // With walkIds() in the status or the machine order: the condition that lists each of the
    // order's keys (SimulationListQuery::everyKeyCondition), which the walk's condition holds
    // too, so that the range of ids is sought under each key. Empty otherwise.
    const QString &walkKeys() const { return m_walkKeys; }
    // A walk of the name or the update order: the key the walk starts from, which its
    // condition holds too, so that the order's index is read from there rather than from its
    // start: the lowest key of those blocks, the highest newest first (name sort keys,
    // migration 021; update dates, migration 024). Only where it leaves out keys of other
    // blocks and, by name, fewer than half of all blocks may hold the text. Where names or
    // updates follow the ids (run-0000001, run-0000002 …), a text of the newest runs is then
    // found without walking the keys of all the older ones, oldest first, and the reverse.
    // A walk of the blocks that hold a deep page (walkReadBlocks) ends at their furthest key
    // too (to): the walk is then a range of the order's index as narrow as their spans, which
    // PostgreSQL's planner reads in order, where it read the blocks' ids from the primary key
    // and sorted them (at a million runs, 042 by name last first at offset 2,000: the 4,096
    // runs of the block with 4,017 of its matches, 4.1-4.6 ms, against 1.8-2.2 for the 461
    // entries of the range walked to the page).
    struct KeyBound
    {
        QString column; // of the order's index
        QVariant key;
        bool descending = false;
        QVariant to = {}; // the walk's last key, where it has one
    };
    const std::optional<KeyBound> &walkFrom() const { return m_walkFrom; }
    // Whether a walk from the order's key (a cursor's) starts at or past walkFrom, in the walk's
    // direction: then the cursor alone bounds the walk. SQLite reads an index's range from one
    // bound of a column, the first condition it finds: with both, a page after a row deep in the
    // walk was read from the walk's first key (run-09 by update date, offset 5,000, at a million
    // runs: 1.7 ms for its 100 rows, 0.19 with the cursor's bound alone).
    bool walkFromPassedBy(const QVariant &key) const;
    static constexpr qsizetype kWalkSpans = 8;
    // The ranges of ids a text the trigram index does not serve is read in, at most.
    static constexpr qsizetype kHoldingSpans = 32;
    // SQLite, a walk of another filter's index (a status, a machine, a verdict): the rows it
    // leaves are spread over the table, and checking a name costs a look-up of its row, unless
    // the index holds the names (in creation and name order, pageCosts). Where the name
    // matches few enough runs (pageCosts), the walk first checks each id, in the filter's
    // index, among the trigram index's matches, and reads the rows of those alone. Known after
    // planPage().
    bool walkChecksMatches() const { return m_walkChecksMatches; }
    // The three characters the blocks are asked for, at most: any of the text's narrow the
    // blocks, fewer only leave more.
    static constexpr qsizetype kSpanGrams = 32;

    // What a condition is for: a page walking the order's index, the same walk from a cursor
    // that lies at or past the walk's first key (walkFromPassedBy), or a count (or any read
    // without an order), which may find the matches through the index.
    enum class Use { Walk, WalkFromCursor, Count };
    // The condition on the simulations table, with its values appended to values; empty when
    // the source alone yields the matches.
    QString condition(QVariantList *values, Use use) const;
    // The FROM clause: the table alone, or the index's matches joined to it.
    // bound: the matches it holds at most (everyMatchBound()), 0 for all of them.
    // window: one of matchWindows(), whose matches alone it holds.
    QString source(QVariantList *values, qint64 bound = 0,
                   const MatchWindow *window = nullptr) const;

    // For a text of several words (letters and digits between other characters): a word in
    // more than this share of the runs is not asked of the trigram index. Its trigrams are in
    // most names, and reading their long lists of runs costs more than checking the few more
    // candidates the other words leave (at a million runs named run-…, PostgreSQL: "run-0424242"
    // 17 ms, "0424242" 1.6 ms; SQLite counting "run-0000": 4.8 ms, "0000" 1.1 ms). PostgreSQL's
    // planner tells the share of each word; on SQLite it is read from kWordWindows runs spread
    // evenly over the table's ids.
    static constexpr double kCommonWordShare = 0.5;
    static constexpr qint64 kWordWindows = 64;

    // What a search learns of its text that is an estimate, not a count: PostgreSQL's planner
    // estimates, the words chosen for the index and the sampled share (estimatedShare). They
    // are kept for the next searches of the same text on the same database, by every thread,
    // for kEstimatesLifetimeMs while the table holds within kEstimatesDrift of the runs it held
    // then: the pages of one search, and the window's table read again while runs progress, ask
    // the planner and read the sample once (on PostgreSQL at a million runs about 2 ms of each
    // request). Counts and plans' facts (the probe's count, the blocks) are read every time.
    static constexpr qint64 kEstimatesLifetimeMs = 10'000;
    static constexpr double kEstimatesDrift = 0.05;
    static constexpr qsizetype kKeptTexts = 256;

    // Says in the log when the trigram index is missing and searches read the table.
    static void checkIndex(Database &database);
    // SQLite's trigram index gains a segment with every transaction that adds names, and a
    // search reads every segment. Merges at most kTidyPages pages of them, so that a
    // long-lived index drifts towards one segment without the pause of a full optimize.
    // PostgreSQL's index gathers the entries of the rows written since in a pending list, which
    // every search reads whole (migration 035): moves them into the index, a few milliseconds
    // for a second's writes (8,000 runs' in 75 ms at a million runs).
    static Status tidyIndex(Database &database);
    static constexpr int kTidyPages = 200;

private:
    bool usesFts() const;
    // matchesFromBlocks(), read from the blocks (and the index, for those still to gather).
    Result<std::optional<qint64>> countFromBlocks();
    // The matches the blocks whose names are gathered count, and the ids of those still to
    // gather (pending); nullopt where a gathered block's row has no count.
    Result<std::optional<qint64>> gatheredMatches(QList<KeySpan> *pending);
    // The blocks textBlocks() read for this plan or this query's snapshot; nullptr before.
    const QList<NameProbe::Block> *keptBlocks() const;
    // PostgreSQL, a text the trigram index does not serve (trigramIndexServes): the spans of
    // ids of the blocks that may hold it into m_holdingSpans, which every read of its matches
    // keeps to (matchCondition); returns those blocks' runs.
    Result<qint64> findBlocksHoldingText();
    // The runs in the windows of ids spread over first … last, and how many of their names
    // match. Names given in sequence follow the ids (run-0001, run-0002 …): the newest runs
    // alone may show a name in all of them or in none, windows over every part of the table
    // see how it spreads.
    // The same for several patterns at once: hits holds how many names match each.
    struct Sample
    {
        qint64 seen = 0;
        QList<qint64> hits;
        double share(qsizetype pattern = 0) const
        {
            return seen > 0 ? double(hits.value(pattern)) / double(seen) : 0.0;
        }
    };
    Result<Sample> sampleIds(qint64 first, qint64 last, const QStringList &patterns,
                             qint64 windows = kWindows, qint64 width = kWindowIds) const;
    // Runs a statement that answers the runs it read and how many of their names match each
    // of patterns.
    Result<Sample> readSample(const QString &statement, const QVariantList &values,
                              qsizetype patterns) const;
    // The lowest and highest ids of the table's runs; nothing without runs.
    Result<std::optional<std::pair<qint64, qint64>>> idSpan() const;
    enum class Reach { Plan, Count };
    Status probeUpTo(Reach reach);
    // SQLite: a plan's probe counts no matches where a share kept for the text (keptShare, of
    // any probe's reach) puts them beyond this many times the threshold.
    static constexpr double kSparedCountFactor = 2.0;
    // The share kept for the text (kEstimatesLifetimeMs), whatever the reach of the probe it
    // was taken with; m_probe.runs must be read.
    std::optional<double> keptShare() const;
    // After probe(), on PostgreSQL: sets m_indexedStatus and m_indexForFilters (indexBeatsWalk).
    Status weighOtherFilters(const SimulationQuery &query);
    // PostgreSQL: where the query's status is one the index reads (indexedStatus), the share of
    // the runs that have it, and sets m_indexedStatus; 1 otherwise.
    Result<double> weighIndexedStatus(const SimulationQuery &query, qint64 filtered);
    // matchCondition(), with the index's key of the status (migration 036) where keyed and one
    // is read: the matches of a page or of a span of blocks (the status is filtered outside
    // them too).
    QString keyedMatchCondition(QVariantList *values, bool inBlocks, bool keyed) const;
    // The runs the query's filters other than the name leave, from the counters (all the runs
    // where they cannot tell); read once a plan.
    Result<qint64> runsLeftByOtherFilters(const SimulationQuery &query);
    // The rows a page of query reads, its offset included (all that filtered leave without a
    // limit).
    static qint64 pageRows(const SimulationQuery &query, qint64 filtered);
    // pageCosts() of a page of query, from the counters and the name's estimated share.
    Result<PageCosts> costsOfPage(const SimulationQuery &query, qint64 statements);
    // A page that walks names: its spans (findWalkSpans), and whether it checks the ids
    // (weighMatchedIds).
    Status planWalk(const SimulationQuery &query);
    // Sets m_matchWindows where matchWindows() applies to query (after probe()).
    Status findMatchWindows(const SimulationQuery &query);
    // A text of three characters, PostgreSQL: the nearest block from edge on, in the direction
    // given, whose names and those of the blocks before it from edge hold the text at least
    // `names` times, by the blocks' counts (migration 033), with how many of its own names
    // hold it; nullopt where they hold it fewer.
    struct BlocksHolding
    {
        qint64 block = 0;
        qint64 blockNames = 0;
    };
    Result<std::optional<BlocksHolding>> blockHoldingNames(qint64 edge, bool descending,
                                                           qint64 names) const;
    // PostgreSQL: the text's matches as the planner counts them, or as many as a page's read
    // found where that was more (NameProbe::learnt).
    qint64 plannedMatches() const;
    // The matches a block of ids holds on average, at the planner's count of the text (0 where
    // that count is its floor, kPlannerFloorShare).
    double plannedBlockMatches() const;
    // PostgreSQL, after probe(): the count of the name's matches comes from the planner's
    // statistics, not its floor (kPlannerFloorShare), or from the blocks' counts of a text of
    // three characters (matchesFromBlocks), which probe() reads first.
    bool plannerTellsMatches() const;
    // Sets m_matchSpans where matchSpans() applies to query (after probe()): the blocks that can
    // hold the page (blocksHoldingRows) with the uncounted ones' runs at the probe's share of
    // matches, then again with the matches of those it leaves counted, until it leaves none
    // uncounted; the counts at most kBlockCountFactor times the threshold in all.
    Status findMatchSpans(const SimulationQuery &query);
    // Whether findMatchSpans() can place a page of query: in the name, update or creation
    // order, of a text asked of the index whole, on SQLite of the name alone.
    bool blocksCanPlace(const SimulationQuery &query) const;
    // PostgreSQL: whether pages of query may bound their reads of every match
    // (everyMatchBound) and weigh what such a read learnt: the name alone, paged, in an order
    // the blocks place.
    bool boundsPagesOf(const SimulationQuery &query) const;
    // A block's span of the order's key (name, update or creation); nullopt where not known.
    static std::optional<MatchedBlock> blockSpan(const NameProbe::Block &block,
                                                 SimulationQuery::OrderBy order);
    // In findMatchSpans(), a page placed by an offset whose blocks to read are counted: where
    // the order's index, walked from the first key of those blocks (the last, descending) over
    // their ids alone, passes fewer runs (those of every block of every, textBlocks(), whose
    // span meets theirs) than their matches cost read and sorted, the page walks it instead
    // (sets m_walkIds, m_walkFrom and m_walksReadBlocks; false where it does not). The blocks
    // passed over (counted, rowsPassedOver()) must lie outside those ids. At a million runs,
    // the row before the 21st page of 042 by name last first lies in a block where 4,014 of
    // its 4,096 runs bear it: their matches sorted took 5 ms, the walk passes 361 of them.
    bool walkReadBlocks(SimulationQuery::OrderBy order, bool descending,
                        const QList<MatchedBlock> &holding, const QSet<qint64> &read,
                        const QSet<qint64> &passed, const QList<NameProbe::Block> &every,
                        qint64 held);
    // The ids of the chosen blocks among all (textBlocks()), neighbours joined (joinSpans).
    static QList<KeySpan> idSpans(const QList<NameProbe::Block> &all, const QSet<qint64> &chosen);
    // The trigram index's matches in spans of ids (every match without spans), by block (on
    // PostgreSQL those the query's other filters leave); nullopt where they are more than
    // budget.
    Result<std::optional<QHash<qint64, qint64>>>
    countMatchesByBlock(const QList<KeySpan> *spans, qint64 budget,
                        const SimulationQuery &query) const;
    // The FROM item of the trigram index's matches (match_id) in spans of ids (on PostgreSQL
    // every match without spans); on PostgreSQL those the filters' status, machine and verdict
    // leave, where given.
    QString matchesIn(const QList<KeySpan> *spans, QVariantList *values,
                      const SimulationQuery *filters = nullptr) const;
    // PostgreSQL: the condition that a run is in one of the blocks the spans of ids cover, as
    // the trigram index keyed by block serves it (migration 030): an array of the blocks, each
    // sought in the index (two bounds of a range would each read the index from its end).
    static QString blocksCondition(const QList<KeySpan> &spans, QVariantList *values);
    // The condition that column lies in one of the spans, "(column BETWEEN ? AND ? OR …)", their
    // bounds appended to values; spans not empty.
    static QString spansCondition(const QString &column, const QList<KeySpan> &spans,
                                  QVariantList *values);
    // The matches of the name alone the probe tells of, counted or extrapolated from the
    // newest ones counted (blocks: textBlocks()); nullopt where it cannot tell.
    std::optional<qint64> probedMatches(const QList<NameProbe::Block> &blocks) const;
    // Whether a page of query reads the matches in id order (pageCosts), from the counters and
    // the name's estimated share; never with a verdict, which the counters cannot tell.
    Result<bool> matchesInIdOrderBeatWalk(const SimulationQuery &query);
    // The name's matches at an estimated share of the runs, at least what the probe counted.
    qint64 estimatedMatches(double share) const;
    // SQLite, a walk of another filter's index: sets m_walkChecksMatches (pageCosts).
    Status weighMatchedIds(const SimulationQuery &query);
    // estimatedShare() read from the sample.
    Result<double> sampleShare() const;
    // The page reads the trigram index's matches: few match, or other filters leave many.
    bool readsIndexMatches() const
    {
        return isIndexable() && !m_walksReadBlocks
            && (isSelective() || m_indexForFilters || m_matchSpans || !m_matchWindows.isEmpty());
    }
    // Sets m_walkSpans where walkSpans() applies to query.
    Status findWalkSpans(const SimulationQuery &query);
    // The blocks and whether each may hold the text, read once a snapshot (memo).
    Result<QList<NameProbe::Block>> textBlocks();
    // The matches counted by block in this snapshot under the query's filters (memo,
    // NameProbe::blockMatches); none without a memo of the text, outside a snapshot, or where
    // they were counted under other filters.
    QHash<qint64, qint64> *keptBlockMatches(const SimulationQuery &query);
    // The span of a block, and whether it may hold the text.
    struct BlockSpan
    {
        KeySpan span;
        bool holds = false;
    };
    // The spans of the blocks that hold the text, in order of their first dates: those next
    // to each other in that order or overlapping joined, then the closest joined until at
    // most `most` are left.
    static QList<KeySpan> joinSpans(QList<BlockSpan> blocks, qsizetype most = kWalkSpans);
    // The ids a block of ids (SimulationBlocks) spans.
    static KeySpan idsOfBlock(qint64 block);
    // In findWalkSpans() of the name or the update order, with the joined spans of ids of the
    // blocks that may hold the text, and every block: sets m_walkFrom.
    void findWalkFrom(SimulationQuery::OrderBy order, const QList<KeySpan> &spans, bool descending,
                      const QList<NameProbe::Block> &blocks);
    // " AND" the walk's first key (walkFrom), its value appended; empty without one, and for
    // any use but a walk from the start (a walk from a cursor past it, Use::WalkFromCursor).
    QString walkFromCondition(QVariantList *values, Use use) const;
    // SQLite: whether creation order is still id order (migration 012).
    Result<bool> runsInCreationOrder();
    // PostgreSQL: whether each block's creation dates come at or after those of the blocks
    // of lower ids, by the blocks' spans (migration 017).
    Result<bool> blocksInCreationOrder() const;
    // Keeps the probe in the memo, if any, and its estimates (keepEstimates).
    Status remember();
    // The table's runs, from the counters, into m_probe.runs.
    Status readRuns();
    // Takes the estimates kept for the text (kEstimatesLifetimeMs) into m_probe, where it has
    // none of its own; m_probe.runs must be read.
    void takeKeptEstimates();
    // Keeps m_probe's estimates for the next searches of the text, against m_probe.runs (none
    // where it was not read).
    void keepEstimates() const;
    // The words of the text the trigram index is asked for (kCommonWordShare), in
    // m_probe.indexWords, chosen once for the text (memo): in probe(), and on SQLite before a
    // page reads the index's matches in id order. PostgreSQL's planner estimates need the
    // probe's count of runs. On SQLite a word of three characters keeps the separator on
    // either side of it in the text (withNeighbours).
    Status chooseIndexWords();
    // The words of the text: letters and digits between other characters, three or more.
    QStringList words() const;
    // The share of the runs each word is in.
    Result<QList<double>> wordShares(const QStringList &words) const;
    // The test of a name that the trigram index serves: the text's LIKE pattern, or the words
    // chosen for the index and the whole text checked in each candidate's name. inBlocks: on
    // PostgreSQL, beside the blocks' condition (blocksCondition), which the index must seek.
    // A text the index does not serve, once its blocks are found (findBlocksHoldingText): the
    // primary key's ranges of those blocks, each name checked (strpos, which keeps the planner
    // off the trigram index).
    QString matchCondition(QVariantList *values, bool inBlocks = false) const;
    // SQLite: the FTS5 query of the text (its trigrams in sequence), or of the words chosen
    // for the index, each a phrase; the LIKE of each candidate's name checks the whole text.
    QString ftsPhrase() const;

    Database &m_database;
    QString m_folded;
    QString m_pattern;
    NameProbe m_probe;
    std::shared_ptr<NameProbe> m_memo;
    // Known after planPage(): the rows its page reads, offset included (indexedMatches).
    qint64 m_pageRows = kPageRows;
    std::optional<QList<KeySpan>> m_walkSpans;
    std::optional<KeySpan> m_walkIds;
    std::optional<QList<KeySpan>> m_matchSpans;
    QList<MatchWindow> m_matchWindows;
    qint64 m_rowsPassedOver = 0;
    // The blocks as textBlocks() read them for this plan: its steps ask once.
    std::optional<QList<NameProbe::Block>> m_planBlocks;
    // findBlocksHoldingText().
    std::optional<QList<KeySpan>> m_holdingSpans;
    QString m_walkKeys;
    std::optional<KeyBound> m_walkFrom;
    std::optional<qint64> m_filteredRuns;
    // What learnMatchesBeyond() learnt, for every probe of this search however the memo and
    // the kept estimates fare (-1: nothing).
    qint64 m_learnt = -1;
    bool m_matchesInIdOrder = false;
    bool m_indexForFilters = false;
    QString m_indexedStatus;
    // Known after planPage(): the page's walk would read an index that holds the names
    // (indexedMatches).
    bool m_namesInWalk = false;
    bool m_walkChecksMatches = false;
    // The page walks the order's index over the ids of the blocks that can hold it
    // (walkReadBlocks).
    bool m_walksReadBlocks = false;
    // Known in planPage(): the probe weighs NameProbe::learnt (boundsPagesOf).
    bool m_learntApplies = false;
    bool m_passedBound = false;
};

} // namespace aisim
