#pragma once

#include <QString>
#include <QThread>

#include <functional>

namespace aisim {

// A thread of its own that calls a function at once and then every interval until stopped:
// the engine's housekeeping, or the storage's upkeep where no engine runs.
class Housekeeper
{
public:
    explicit Housekeeper(const QString &name) { m_thread.setObjectName(name); }
    ~Housekeeper() { stop(); }
    Housekeeper(const Housekeeper &) = delete;
    Housekeeper &operator=(const Housekeeper &) = delete;

    void start(int intervalMs, std::function<void()> tick);
    // Waits for a call under way to return.
    void stop();

private:
    QThread m_thread;
};

} // namespace aisim
