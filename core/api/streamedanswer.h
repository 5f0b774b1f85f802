#pragma once

#include "pendingreply.h"
#include "result.h"

#include <QObject>

namespace aisim::api {

// A chunked answer too large to hold at once, written a piece at a time and only while the
// client keeps up: a piece per turn of the event loop, so that other requests on the server
// thread are answered meanwhile, and none while the socket still holds a lot to send. Lives on
// the server thread and deletes itself when the answer is complete or the client has gone.
class StreamedAnswer : public QObject
{
    Q_OBJECT
public:
    // More is written only when the socket holds less than this, waiting to be sent.
    static constexpr qint64 kHighWaterBytes = qint64(256) * 1024;

protected:
    // reply has started a chunked answer; what names the answer in the log.
    StreamedAnswer(PendingReply &&reply, QString what, QObject *parent);
    // Writes head (what precedes the first piece) and starts writing pieces.
    void begin(const QByteArray &head);
    // Appends the next piece to out: true when it was the last one. An error cuts the answer
    // short; the status line has gone, so only a broken body can tell the client.
    virtual Result<bool> writeNext(QByteArray &out) = 0;

private:
    void writeMore();
    void abort(const QString &why);

    PendingReply m_reply;
    QString m_what;
    bool m_done = false;
    bool m_writing = false;
    bool m_scheduled = false; // a call of writeMore() is queued
};

} // namespace aisim::api
