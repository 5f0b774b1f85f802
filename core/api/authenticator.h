#pragma once

#include "apicontext.h"
#include "apitoken.h"
#include "result.h"

#include <QHash>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QMutex>

#include <optional>

namespace aisim::api {

// The valid tokens that the server threads of one REST API read lately, by their secrets
// (compared in constant time; a belief spares the hashing too). A token is believed for a second
// without asking the database again. A revocation in this process (REST, the window) ends every
// belief at once; one in another process (`aisim token revoke`) is seen within the second, and from
// the first request that reads it on any thread, the token is refused on all of them. Thread-safe.
class TokenBeliefs
{
public:
    TokenBeliefs();

    // Before reading a token from the database: believe() takes its answer only if nothing was
    // revoked or refused meanwhile.
    quint64 ticket();
    std::optional<ApiToken> find(const QByteArray &secret, qint64 nowMs);
    void believe(const QByteArray &secret, const ApiToken &token, qint64 nowMs, quint64 ticket);
    // The token was found revoked or gone: no thread believes it any more.
    void refuse(const QByteArray &secret);

private:
    struct Belief
    {
        QByteArray secret;
        ApiToken token;
        qint64 readAtMs = 0;
    };
    void catchUpLocked();
    size_t slot(const QByteArray &secret) const;

    QMutex m_mutex;
    const size_t m_seed; // random: which secrets share a slot says nothing
    QHash<size_t, Belief> m_beliefs; // by slot(); a secret that meets another's slot replaces it
    quint64 m_epoch = 0; // counts the refusals and the ends of all beliefs: tickets expire
    quint64 m_revocations = 0; // TokenRepository::revocationsInThisProcess() at the last end
};

// Checks the bearer token of a request against the scope its endpoint needs.
// Lives on the server thread.
class Authenticator
{
public:
    Authenticator(const ApiContext &context, TokenBeliefs &beliefs)
        : m_context(context)
        , m_beliefs(beliefs)
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
    // The valid token of this secret, believed or read; nullopt when there is none.
    Result<std::optional<ApiToken>> validToken(const QByteArray &secret);
    void recordUse(const ApiToken &token);

    ApiContext m_context;
    TokenBeliefs &m_beliefs;
    QHash<qint64, qint64> m_lastRecordedUseMs;
};

} // namespace aisim::api
