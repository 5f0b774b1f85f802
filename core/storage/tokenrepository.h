#pragma once

#include "apitoken.h"
#include "result.h"

#include <QList>

#include <optional>

namespace aisim {

class Database;

// A token as created: its record and the secret, which is shown once and never stored.
struct NewApiToken
{
    ApiToken token;
    QString secret;
};

// All SQL about REST API tokens. Only SHA-256 hashes of the secrets reach the database.
class TokenRepository
{
public:
    explicit TokenRepository(Database &database)
        : m_database(database)
    { }

    Result<QList<ApiToken>> list();
    Result<qint64> count();
    // A conflict when the name is taken.
    Result<NewApiToken> create(const QString &name, TokenScope scope);
    // Not found when no token has that name; revoking twice keeps the first time.
    Result<ApiToken> revoke(const QString &name);
    // Counts the revocations made in this process, through any Database: a holder of tokens
    // read before the count changed reads them again.
    static quint64 revocationsInThisProcess();
    // The token whose secret this is, revoked or not; nullopt when there is none.
    Result<std::optional<ApiToken>> findBySecret(const QByteArray &secret);
    Status touch(qint64 id);

    static QByteArray hashSecret(const QByteArray &secret);
    static QByteArray generateSecret();

private:
    Database &m_database;
};

} // namespace aisim
