#pragma once

#include <QByteArrayView>
#include <QDateTime>
#include <QString>

#include <optional>

namespace aisim {

// What a REST API token may do; each scope includes the ones before it.
enum class TokenScope { Read, Write, Admin };

QString scopeName(TokenScope scope);
std::optional<TokenScope> scopeFromString(const QString &text);
// True when a token of scope `granted` may call an endpoint that needs `required`.
inline bool scopeAllows(TokenScope granted, TokenScope required)
{
    return int(granted) >= int(required);
}

// Token names are used in paths (DELETE /tokens/{name}) and tables: 1 to 64 ASCII letters,
// digits, '.', '_' or '-', starting with a letter or a digit.
bool isValidTokenName(const QString &name);
// Compares secrets (or their hashes) without an early exit, so that the time taken says nothing
// about where they differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);
extern const char *const kTokenNameRule;

// A stored API token; the secret itself is never stored, only its SHA-256 hash.
struct ApiToken
{
    qint64 id = 0;
    QString name;
    TokenScope scope = TokenScope::Read;
    QDateTime createdAt;
    QDateTime lastUsedAt;
    QDateTime revokedAt;

    bool isRevoked() const { return revokedAt.isValid(); }
};

} // namespace aisim
