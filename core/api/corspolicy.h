#pragma once

#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QStringList>

namespace aisim::api {

// Cross-origin access for browsers: off unless origins are named (--cors-origin).
class CorsPolicy
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    explicit CorsPolicy(const QStringList &origins);

    bool isEnabled() const { return !m_origins.isEmpty(); }
    // The headers every answer to this request carries; none for an origin not allowed.
    Headers headersFor(const QHttpServerRequest &request) const;
    bool isPreflight(const QHttpServerRequest &request) const;
    // The answer to a preflight OPTIONS request for a path with these methods.
    QHttpServerResponse preflight(const QHttpServerRequest &request,
                                  const QByteArrayList &allowedMethods) const;

    // Whether a page from origin may call the API: listed, or the API's own (host is the
    // Host header of the request), as for a WebSocket opened by /docs.
    bool allows(const QByteArray &origin) const;
    bool allowsPageFrom(const QByteArray &origin, const QByteArray &host) const
    {
        return allows(origin) || origin == "http://" + host;
    }

private:
    QByteArrayList m_origins;
};

} // namespace aisim::api
