#pragma once

#include "simulationselection.h"

#include <QElapsedTimer>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <optional>

namespace aisim {

class Database;

// What the selected runs allow (cancel, retry) when some selected rows were never read into
// memory: their runs are read off the GUI thread and changed() follows. Reads are coalesced
// and at most one runs at a time.
class SelectionAbilities : public QObject
{
    Q_OBJECT
public:
    struct Abilities
    {
        bool cancel = false;
        bool retry = false;
    };

    explicit SelectionAbilities(Database &database, QObject *parent = nullptr);
    ~SelectionAbilities() override;

    // Looks at this selection; the answer may come later, through changed().
    void probe(const SimulationSelection &selection);
    // Drops what was read: the next selection is read anew, even one just like it.
    void forget();
    // What the last selection looked at allows, once read; nullopt while unknown.
    std::optional<Abilities> known() const { return m_known; }

Q_SIGNALS:
    void changed();

private:
    void start();

    Database &m_database;
    SimulationSelection m_wanted;
    QString m_wantedKey;
    QString m_knownKey;
    std::optional<Abilities> m_known;
    QElapsedTimer m_knownAge;
    bool m_running = false;
    bool m_again = false;
    QTimer m_delay;
    QThreadPool m_pool; // its own thread, waited for: a read never outlives the window
};

} // namespace aisim
