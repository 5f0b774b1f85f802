#include "storageupkeep.h"

#include "database.h"
#include "logging.h"
#include "namesearch.h"
#include "simulationblocks.h"
#include "simulationkeyranges.h"
#include "storagehealth.h"

namespace aisim {

namespace {
// Every half minute a little of SQLite's name index is merged, and the blocks of runs folded, by
// whichever process is due; the characters of the names added since are gathered then in the
// newest block too, and every tick in the blocks below it (a few a tick: more than the fastest
// writers fill). PostgreSQL's name index takes in its pending entries every tick, every half
// minute after it could not.
constexpr qint64 kIndexTidyMs = 30'000;
constexpr int kGramBlocksPerTick = 4;
// The ranges of the loss orders split as runs end, each a few thousand rows read.
constexpr qint64 kRangeSplitMs = 5'000;

bool due(const QElapsedTimer &since, qint64 intervalMs)
{
    return !since.isValid() || since.hasExpired(intervalMs);
}
} // namespace

void StorageUpkeep::tick()
{
    if (!m_database.health().isHealthy())
        return;
    const bool tidyDue = due(m_sinceIndexTidy, kIndexTidyMs);
    if (const auto gathered = SimulationBlocks::foldGrams(m_database, kGramBlocksPerTick, tidyDue);
        !gathered)
        qCWarning(lcStorage) << "could not gather the characters of the blocks' names:"
                             << gathered.error().message;
    const bool indexDue
        = m_database.isPostgreSql() ? due(m_sinceIndexFailure, kIndexTidyMs) : tidyDue;
    if (indexDue) {
        if (const Status tidied = NameSearch::tidyIndex(m_database); !tidied) {
            m_sinceIndexFailure.start();
            qCWarning(lcStorage) << "could not tidy the name index:" << tidied.error().message;
        }
    }
    if (tidyDue) {
        m_sinceIndexTidy.start();
        if (const Status folded = SimulationBlocks::tidy(m_database); !folded)
            qCWarning(lcStorage) << "could not fold the blocks of runs:" << folded.error().message;
    }
    if (due(m_sinceRangeSplit, kRangeSplitMs)) {
        m_sinceRangeSplit.start();
        if (const Status split = SimulationKeyRanges::split(m_database); !split)
            qCWarning(lcStorage) << "could not split the ranges of the loss orders:"
                                 << split.error().message;
    }
}

} // namespace aisim
