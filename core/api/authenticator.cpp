#include "authenticator.h"

#include "apiresponse.h"
#include "logging.h"
#include "tokenrepository.h"

#include <QDateTime>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// Writing last_used_at on every request would turn each read into a write.
constexpr qint64 kUseRecordIntervalMs = 60'000;
// How long a valid token is believed without reading it again.
constexpr qint64 kBelieveMs = 1'000;
// With more valid tokens than this read within a second, beliefs start over.
constexpr qsizetype kMaxBeliefs = 256;

QHttpServerResponse unauthorized(const QString &message, const QByteArray &challenge)
{
    QHttpServerResponse response = detailResponse(StatusCode::Unauthorized, message);
    response.setHeader("WWW-Authenticate"_ba, challenge);
    return response;
}
} // namespace

std::optional<QHttpServerResponse> Authenticator::check(const QHttpServerRequest &request,
                                                        TokenScope required, qint64 *tokenId)
{
    return checkAuthorization(request.value("Authorization"_ba), required, tokenId);
}

std::optional<QHttpServerResponse>
Authenticator::checkAuthorization(const QByteArray &authorization, TokenScope required,
                                  qint64 *tokenId)
{
    if (tokenId)
        *tokenId = 0;
    if (!isEnabled())
        return std::nullopt;
    const QByteArray header = authorization.trimmed();
    const qsizetype space = header.indexOf(' ');
    const QByteArray kind = header.left(space).toLower();
    const QByteArray secret = space < 0 ? QByteArray() : header.mid(space + 1).trimmed();
    if (kind != "bearer" || secret.isEmpty())
        return unauthorized(u"Not authenticated"_s, "Bearer"_ba);

    const auto found = validToken(secret);
    if (!found)
        return errorResponse(found.error());
    const std::optional<ApiToken> &token = found.value();
    if (!token)
        return unauthorized(u"Invalid or revoked token"_s, "Bearer error=\"invalid_token\""_ba);
    recordUse(*token);
    if (!scopeAllows(token->scope, required))
        return detailResponse(
            StatusCode::Forbidden,
            u"This endpoint needs a token with the '%1' scope; '%2' has '%3'"_s.arg(
                scopeName(required), token->name, scopeName(token->scope)));
    if (tokenId)
        *tokenId = token->id;
    return std::nullopt;
}

Result<std::optional<ApiToken>> Authenticator::validToken(const QByteArray &secret)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (auto believed = m_beliefs.find(secret, now))
        return believed;
    const quint64 ticket = m_beliefs.ticket();
    auto found = TokenRepository(*m_context.database).findBySecret(secret);
    if (!found)
        return found.error();
    if (!found.value() || found.value()->isRevoked()) {
        m_beliefs.refuse(secret);
        return std::optional<ApiToken>();
    }
    m_beliefs.believe(secret, *found.value(), now, ticket);
    return found;
}

TokenBeliefs::TokenBeliefs()
    : m_seed(size_t(QRandomGenerator::system()->generate64()))
{ }

size_t TokenBeliefs::slot(const QByteArray &secret) const
{
    return qHash(secret, m_seed);
}

quint64 TokenBeliefs::ticket()
{
    const QMutexLocker lock(&m_mutex);
    catchUpLocked();
    return m_epoch;
}

std::optional<ApiToken> TokenBeliefs::find(const QByteArray &secret, qint64 nowMs)
{
    const QMutexLocker lock(&m_mutex);
    catchUpLocked();
    const auto belief = m_beliefs.constFind(slot(secret));
    if (belief == m_beliefs.constEnd() || nowMs - belief->readAtMs >= kBelieveMs
        || !constantTimeEquals(belief->secret, secret))
        return std::nullopt;
    return belief->token;
}

void TokenBeliefs::believe(const QByteArray &secret, const ApiToken &token, qint64 nowMs,
                           quint64 ticket)
{
    const QMutexLocker lock(&m_mutex);
    catchUpLocked();
    if (ticket != m_epoch)
        return;
    if (m_beliefs.size() >= kMaxBeliefs) {
        m_beliefs.removeIf(
            [nowMs](const auto &belief) { return nowMs - belief.value().readAtMs >= kBelieveMs; });
        if (m_beliefs.size() >= kMaxBeliefs)
            m_beliefs.clear();
    }
    m_beliefs.insert(slot(secret), {secret, token, nowMs});
}

void TokenBeliefs::refuse(const QByteArray &secret)
{
    const QMutexLocker lock(&m_mutex);
    const auto belief = m_beliefs.constFind(slot(secret));
    if (belief != m_beliefs.constEnd() && constantTimeEquals(belief->secret, secret))
        m_beliefs.erase(belief);
    ++m_epoch; // a reading of it that started before this one is not believed either
}

void TokenBeliefs::catchUpLocked()
{
    const quint64 revocations = TokenRepository::revocationsInThisProcess();
    if (revocations == m_revocations)
        return;
    m_revocations = revocations;
    m_beliefs.clear();
    ++m_epoch;
}

void Authenticator::recordUse(const ApiToken &token)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto last = m_lastRecordedUseMs.constFind(token.id);
    if (last != m_lastRecordedUseMs.constEnd() && now - *last < kUseRecordIntervalMs)
        return;
    m_lastRecordedUseMs.insert(token.id, now);
    // A storage fault is logged once by the database's health, not with every request.
    if (const Status touched = TokenRepository(*m_context.database).touch(token.id);
        !touched && touched.error().fault == StorageFault::None)
        qCWarning(lcApi).noquote()
            << "cannot record the use of token" << token.name << ":" << touched.error().message;
}

} // namespace aisim::api
