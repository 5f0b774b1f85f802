#include "tokenscontroller.h"

#include "apiresponse.h"
#include "serialize.h"
#include "tokenrepository.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace aisim::api {

namespace {
constexpr int kMaxNameLength = 100;

QJsonValue timeOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(formatTimestamp(time)) : QJsonValue();
}

QJsonObject tokenToJson(const ApiToken &token)
{
    return {{u"id"_s, token.id},
            {u"name"_s, token.name},
            {u"scope"_s, scopeName(token.scope)},
            {u"created_at"_s, timeOrNull(token.createdAt)},
            {u"last_used_at"_s, timeOrNull(token.lastUsedAt)},
            {u"revoked_at"_s, timeOrNull(token.revokedAt)}};
}
} // namespace

QHttpServerResponse TokensController::list(const ApiRequest &) const
{
    const auto tokens = TokenRepository(*m_context.database).list();
    if (!tokens)
        return errorResponse(tokens.error());
    QJsonArray array;
    for (const ApiToken &token : tokens.value())
        array.append(tokenToJson(token));
    return jsonResponse(array);
}

QHttpServerResponse TokensController::create(const ApiRequest &request) const
{
    FieldErrors errors;
    const auto body = request.jsonBody(&errors);
    if (!body)
        return validationResponse(errors);
    const JsonFields fields(*body, {u"body"_s}, &errors);
    const auto name = fields.string(u"name"_s, true, kMaxNameLength);
    const auto scopeName = fields.string(u"scope"_s, true, 10);
    std::optional<TokenScope> scope;
    if (scopeName) {
        scope = scopeFromString(*scopeName);
        if (!scope)
            errors.append({fields.location(u"scope"_s),
                           u"value is not a valid enumeration member; permitted: 'read', "
                           "'write', 'admin'"_s,
                           u"type_error.enum"_s});
    }
    if (name && !isValidTokenName(name->trimmed()))
        errors.append({fields.location(u"name"_s),
                       u"string does not match the rule: %1"_s.arg(QLatin1String(kTokenNameRule)),
                       u"value_error.str.regex"_s});
    if (!errors.isEmpty())
        return validationResponse(errors);
    const auto created = TokenRepository(*m_context.database).create(name->trimmed(), *scope);
    if (!created)
        return errorResponse(created.error());
    QJsonObject json = tokenToJson(created->token);
    json.insert(u"token"_s, created->secret);
    return jsonResponse(json, StatusCode::Created);
}

QHttpServerResponse TokensController::revoke(const ApiRequest &request) const
{
    const QString name = request.pathArgument(0);
    const auto revoked = TokenRepository(*m_context.database).revoke(name);
    if (!revoked)
        return errorResponse(revoked.error());
    return jsonResponse(tokenToJson(revoked.value()));
}

} // namespace aisim::api
