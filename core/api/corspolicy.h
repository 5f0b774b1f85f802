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

private:
    bool allows(const QByteArray &origin) const;

    QByteArrayList m_origins;
};

} // namespace aisim::api
