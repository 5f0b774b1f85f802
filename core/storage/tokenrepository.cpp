#include "tokenrepository.h"

#include "database.h"
#include "sqlsupport.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

#include <atomic>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
const QString kColumns = u"token_id, name, scope, created_at, last_used_at, revoked_at"_s;
constexpr int kSecretBytes = 32;
std::atomic<quint64> s_revocations {0};

ApiToken readToken(const QSqlQuery &query)
{
    ApiToken token;
    token.id = query.value(0).toLongLong();
    token.name = query.value(1).toString();
    token.scope = scopeFromString(query.value(2).toString()).value_or(TokenScope::Read);
    token.createdAt = sql::fromMs(query.value(3));
    token.lastUsedAt = sql::fromMs(query.value(4));
    token.revokedAt = sql::fromMs(query.value(5));
    return token;
}

} // namespace

QByteArray TokenRepository::hashSecret(const QByteArray &secret)
{
    return QCryptographicHash::hash(secret, QCryptographicHash::Sha256).toHex();
}

QByteArray TokenRepository::generateSecret()
{
    QByteArray bytes(kSecretBytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          kSecretBytes / int(sizeof(quint32)));
    return "aisim_"_ba
        + bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

Result<QList<ApiToken>> TokenRepository::list()
{
    auto query
        = sql::run(m_database, u"SELECT "_s + kColumns + u" FROM api_tokens ORDER BY token_id"_s,
                   {}, u"list tokens"_s);
    if (!query)
        return query.error();
    return sql::readAll(query.value(), readToken);
}

Result<qint64> TokenRepository::count()
{
    auto query = sql::run(m_database, u"SELECT COUNT(*) FROM api_tokens"_s, {}, u"count tokens"_s);
    if (!query)
        return query.error();
    return sql::readOne(query.value(),
                        [](const QSqlQuery &row) { return row.value(0).toLongLong(); })
        .value_or(0);
}

Result<NewApiToken> TokenRepository::create(const QString &name, TokenScope scope)
{
    if (!isValidTokenName(name))
        return Error::invalid(
            u"a token name is %1, not '%2'"_s.arg(QLatin1String(kTokenNameRule), name));
    NewApiToken created;
    created.secret = QString::fromLatin1(generateSecret());
    auto query = sql::run(
        m_database,
        u"INSERT INTO api_tokens (name, token_hash, scope, created_at) VALUES (?, ?, ?, ?) "
        "RETURNING "_s
            + kColumns,
        {name, QString::fromLatin1(hashSecret(created.secret.toLatin1())), scopeName(scope),
         QDateTime::currentMSecsSinceEpoch()},
        u"create token"_s);
    if (!query) {
        if (query.error().kind == Error::Kind::Conflict)
            return Error::conflict(u"A token named '%1' already exists"_s.arg(name));
        return query.error();
    }
    const auto token = sql::readOne(query.value(), readToken);
    if (!token)
        return Error::internal(u"create token returned no row"_s);
    created.token = *token;
    return created;
}

Result<ApiToken> TokenRepository::revoke(const QString &name)
{
    auto query = sql::run(m_database,
                          u"UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) "
                          "WHERE name = ? RETURNING "_s
                              + kColumns,
                          {QDateTime::currentMSecsSinceEpoch(), name}, u"revoke token"_s);
    if (!query)
        return query.error();
    const auto token = sql::readOne(query.value(), readToken);
    if (!token)
        return Error::notFound(u"No token named '%1'"_s.arg(name));
    s_revocations.fetch_add(1);
    return *token;
}

quint64 TokenRepository::revocationsInThisProcess()
{
    return s_revocations.load();
}

Result<std::optional<ApiToken>> TokenRepository::findBySecret(const QByteArray &secret)
{
    const QByteArray hash = hashSecret(secret);
    // Every authenticated request asks: kept prepared.
    static const QString statement
        = u"SELECT "_s + kColumns + u", token_hash FROM api_tokens WHERE token_hash = ?"_s;
    auto query = sql::runKept(m_database, statement, {QString::fromLatin1(hash)}, u"find token"_s);
    if (!query)
        return query.error();
    QSqlQuery &row = *query.value();
    if (!row.next() || !constantTimeEquals(row.value(6).toString().toLatin1(), hash))
        return std::optional<ApiToken>();
    return std::optional<ApiToken>(readToken(row));
}

Status TokenRepository::touch(qint64 id)
{
    const Result<int> touched
        = sql::change(m_database, u"UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?"_s,
                      {QDateTime::currentMSecsSinceEpoch(), id}, u"record token use"_s);
    return touched ? success() : Status(touched.error());
}

} // namespace aisim
