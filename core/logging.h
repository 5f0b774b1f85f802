#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QMutex>
#include <QWaitCondition>

#include <memory>

class QThread;

namespace aisim {

Q_DECLARE_LOGGING_CATEGORY(lcStorage)
Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcApi)
Q_DECLARE_LOGGING_CATEGORY(lcAccess)

// While it lives, log messages go to standard error (formatted as Qt formats them, with
// QT_MESSAGE_PATTERN) through a thread of its own, which writes the lines that came meanwhile in
// one system call every few milliseconds: a busy REST API's access log costs its threads a copy
// rather than a write each. Warnings and worse are written at once, after the lines before them.
// When it goes, every line has been written. One at a time, from main().
class LogWriter
{
public:
    static constexpr int kFlushMs = 20;

    LogWriter();
    ~LogWriter();
    LogWriter(const LogWriter &) = delete;
    LogWriter &operator=(const LogWriter &) = delete;

    // Logs message in category at the info level, as qCInfo(category, "%s", message) would.
    // While a LogWriter lives and QT_MESSAGE_PATTERN is not set, the line Qt would format
    // ("category: message") goes to it straight: the access log's line costs a request a copy,
    // not Qt's formatting of a message and of its pattern.
    static void info(const QLoggingCategory &category, QByteArrayView message);

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void add(QtMsgType type, const QByteArray &line);
    // Writes what waits, in order with every other write; called with m_mutex held, which it
    // releases.
    void writeWaiting(QMutexLocker<QMutex> &lock);
    void run();

    QMutex m_mutex; // guards the fields below
    QWaitCondition m_wake;
    QByteArray m_waiting;
    bool m_stopping = false;
    bool m_defaultPattern = true; // QT_MESSAGE_PATTERN is not set
    QMutex m_writing; // held while writing, taken with m_mutex held: lines keep their order
    QtMessageHandler m_previous = nullptr;
    std::unique_ptr<QThread> m_thread;
};

} // namespace aisim
