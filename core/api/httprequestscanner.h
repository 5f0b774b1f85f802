#pragma once

#include <QByteArray>

namespace aisim::api {

// Follows the requests on one connection byte by byte, ahead of QHttpServer, and finds what
// Qt 6.4's parser lets through: header blocks without bound, request lines it cannot read,
// ambiguous message lengths (a negative, malformed or repeated Content-Length, Content-Length
// with Transfer-Encoding, a coding other than chunked) that would let one request hide
// another, and bodies over the limit. It also notes what the client asked of the connection
// (Connection: close, HTTP/1.0, Expect: 100-continue) and stops at a protocol upgrade.
class HttpRequestScanner
{
public:
    static constexpr qsizetype kMaxHeadBytes = qsizetype(64) * 1024;
    static constexpr qsizetype kKeptHeadBytes = qsizetype(4) * 1024;

    struct Verdict
    {
        int status = 0; // 0 while all is well; else the answer to give before closing
        QByteArray reason;
        // Where the first request that ended in this chunk ends (an offset into it), or -1.
        // The scanner stops there: what follows is the next request, to be scanned on its own.
        qsizetype requestEnd = -1;
        bool continueWanted = false; // a head asked for 100 Continue
        bool closeWanted = false; // the connection must close after its answer
    };

    explicit HttpRequestScanner(qint64 maxBodyBytes)
        : m_maxBodyBytes(maxBodyBytes)
    { }

    // Takes the next bytes received, up to the end of the first request that ends in them;
    // once a verdict has a status, later bytes are ignored.
    Verdict scan(const QByteArray &bytes);
    // A WebSocket (or other) upgrade: the bytes are no longer HTTP requests.
    bool isUpgraded() const { return m_state == State::Upgraded; }

private:
    enum class State { Head, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Upgraded, Failed };

    bool endHead(Verdict &verdict);
    void forgetHead();
    bool fail(Verdict &verdict, int status, const char *reason);

    qint64 m_maxBodyBytes;
    State m_state = State::Head;
    QByteArray m_line; // the head, or the current chunk-size or trailer line
    qint64 m_remaining = 0; // body or chunk bytes still to come
    qint64 m_bodyBytes = 0;
    bool m_upgrade = false;
};

} // namespace aisim::api
