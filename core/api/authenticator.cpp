#include "authenticator.h"

#include "apiresponse.h"
#include "logging.h"
#include "tokenrepository.h"

#include <QDateTime>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
// Writing last_used_at on every request would turn each read into a write.
constexpr qint64 kUseRecordIntervalMs = 60'000;

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

    const auto found = TokenRepository(*m_context.database).findBySecret(secret);
    if (!found)
        return errorResponse(found.error());
    const std::optional<ApiToken> &token = found.value();
    if (!token || token->isRevoked())
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
