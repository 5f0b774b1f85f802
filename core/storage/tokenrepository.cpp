#include "tokenrepository.h"

#include "database.h"
#include "sqlsupport.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
const QString kColumns = u"token_id, name, scope, created_at, last_used_at, revoked_at"_s;
constexpr int kSecretBytes = 32;

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

// Compares without an early exit, so the time taken says nothing about where they differ.
bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
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
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status
        = sql::exec(query, u"SELECT "_s + kColumns + u" FROM api_tokens ORDER BY token_id"_s, {},
                    u"list tokens"_s);
        !status)
        return status.error();
    QList<ApiToken> tokens;
    while (query.next())
        tokens.append(readToken(query));
    return tokens;
}

Result<qint64> TokenRepository::count()
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status
        = sql::exec(query, u"SELECT COUNT(*) FROM api_tokens"_s, {}, u"count tokens"_s);
        !status)
        return status.error();
    return query.next() ? query.value(0).toLongLong() : 0;
}

Result<NewApiToken> TokenRepository::create(const QString &name, TokenScope scope)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    NewApiToken created;
    created.secret = QString::fromLatin1(generateSecret());
    QSqlQuery query(db.value());
    if (const Status status = sql::exec(
            query,
            u"INSERT INTO api_tokens (name, token_hash, scope, created_at) VALUES (?, ?, ?, ?) "
            "RETURNING "_s
                + kColumns,
            {name, QString::fromLatin1(hashSecret(created.secret.toLatin1())), scopeName(scope),
             QDateTime::currentMSecsSinceEpoch()},
            u"create token"_s);
        !status) {
        if (status.error().kind == Error::Kind::Conflict)
            return Error::conflict(u"A token named '%1' already exists"_s.arg(name));
        return status.error();
    }
    if (!query.next())
        return Error::internal(u"create token returned no row"_s);
    created.token = readToken(query);
    return created;
}

Result<ApiToken> TokenRepository::revoke(const QString &name)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    if (const Status status
        = sql::exec(query,
                    u"UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE name = ? "
                    "RETURNING "_s
                        + kColumns,
                    {QDateTime::currentMSecsSinceEpoch(), name}, u"revoke token"_s);
        !status)
        return status.error();
    if (!query.next())
        return Error::notFound(u"No token named '%1'"_s.arg(name));
    const ApiToken token = readToken(query);
    query.finish();
    return token;
}

Result<std::optional<ApiToken>> TokenRepository::findBySecret(const QByteArray &secret)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    const QByteArray hash = hashSecret(secret);
    QSqlQuery query(db.value());
    if (const Status status = sql::exec(
            query, u"SELECT "_s + kColumns + u", token_hash FROM api_tokens WHERE token_hash = ?"_s,
            {QString::fromLatin1(hash)}, u"find token"_s);
        !status)
        return status.error();
    if (!query.next() || !constantTimeEquals(query.value(6).toString().toLatin1(), hash))
        return std::optional<ApiToken>();
    return std::optional<ApiToken>(readToken(query));
}

Status TokenRepository::touch(qint64 id)
{
    const auto db = m_database.open();
    if (!db)
        return db.error();
    QSqlQuery query(db.value());
    return sql::exec(query, u"UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?"_s,
                     {QDateTime::currentMSecsSinceEpoch(), id}, u"record token use"_s);
}

} // namespace aisim
