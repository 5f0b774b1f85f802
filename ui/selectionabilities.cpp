#include "selectionabilities.h"

#include "async.h"

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

// Reading a selection of many rows takes a while: not more often than this.
constexpr int kDelayMs = 150;
// Runs in other rows change status as they run: what was read is read again after this long.
constexpr qint64 kFreshMs = 2000;

// What identifies a selection for this purpose: its query, its size and its rows.
QString keyOf(const SimulationSelection &selection)
{
    const SimulationQuery &query = selection.query;
    QString key = u"%1|%2|%3|%4|%5|%6"_s.arg(int(query.orderBy))
                      .arg(query.descending)
                      .arg(query.status ? int(*query.status) : -1)
                      .arg(query.machineId.value_or(-1))
                      .arg(query.nameContains)
                      .arg(selection.total);
    for (const Simulation &simulation : selection.loaded)
        key += u",%1"_s.arg(simulation.id);
    for (const SimulationSelection::Span &span : selection.unloaded)
        key += u";%1-%2"_s.arg(span.first).arg(span.last);
    return key;
}

} // namespace

SelectionAbilities::SelectionAbilities(Database &database, QObject *parent)
    : QObject(parent)
    , m_database(database)
{
    m_delay.setSingleShot(true);
    m_delay.setInterval(kDelayMs);
    connect(&m_delay, &QTimer::timeout, this, &SelectionAbilities::start);
    m_pool.setMaxThreadCount(1);
}

SelectionAbilities::~SelectionAbilities()
{
    endBackgroundWork(this, m_pool);
}

void SelectionAbilities::probe(const SimulationSelection &selection)
{
    const QString key = keyOf(selection);
    if (key == m_knownKey && m_known && !m_knownAge.hasExpired(kFreshMs))
        return; // read a moment ago
    if (key != m_knownKey) {
        // Another selection: what was known no longer applies.
        m_known.reset();
        m_knownKey.clear();
    }
    m_wanted = selection;
    m_wantedKey = key;
    if (m_running)
        m_again = true;
    else if (!m_delay.isActive())
        m_delay.start();
}

void SelectionAbilities::forget()
{
    m_known.reset();
    m_knownKey.clear();
    m_wantedKey.clear();
    m_delay.stop();
    m_again = false;
}

void SelectionAbilities::start()
{
    m_running = true;
    m_again = false;
    runInBackground(
        this,
        [database = &m_database, selection = m_wanted]() -> std::optional<Abilities> {
            const auto runs = resolveSelection(*database, selection);
            if (!runs)
                return std::nullopt; // moved meanwhile: the next look tells
            Abilities abilities;
            for (const Simulation &simulation : runs.value()) {
                abilities.cancel = abilities.cancel || !isTerminal(simulation.status);
                abilities.retry = abilities.retry || simulation.status == SimulationStatus::Failed
                    || simulation.status == SimulationStatus::Cancelled;
            }
            return abilities;
        },
        [this, key = m_wantedKey](const std::optional<Abilities> &abilities) {
            m_running = false;
            if (abilities && key == m_wantedKey) {
                m_known = abilities;
                m_knownKey = key;
                m_knownAge.start();
                Q_EMIT changed();
            }
            if (m_again)
                m_delay.start();
        },
        &m_pool);
}

} // namespace aisim
