#pragma once

#include <QObject>

class QSocketNotifier;

namespace aisim {

// Turns SIGINT and SIGTERM into a Qt signal, so a headless process stops in order.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);

Q_SIGNALS:
    void terminationRequested();

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace aisim
