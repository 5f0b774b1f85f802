#pragma once

#include "apicontext.h"
#include "apitoken.h"

#include <QHash>
#include <QHttpServerRequest>
#include <QHttpServerResponse>

#include <optional>

namespace aisim::api {

// Checks the bearer token of a request against the scope its endpoint needs.
// Lives on the server thread.
class Authenticator
{
public:
    explicit Authenticator(const ApiContext &context)
        : m_context(context)
    { }

    bool isEnabled() const { return m_context.auth == AuthMode::Required; }
    // nullopt when the request may go on; otherwise the 401/403 answer. tokenId, when given,
    // learns the id of the token that was accepted (0 without authentication).
    std::optional<QHttpServerResponse> check(const QHttpServerRequest &request, TokenScope required,
                                             qint64 *tokenId = nullptr);
    // The same for the value of an Authorization header ("Bearer <token>").
    std::optional<QHttpServerResponse> checkAuthorization(const QByteArray &authorization,
                                                          TokenScope required,
                                                          qint64 *tokenId = nullptr);

private:
    void recordUse(const ApiToken &token);

    ApiContext m_context;
    QHash<qint64, qint64> m_lastRecordedUseMs;
};

} // namespace aisim::api
