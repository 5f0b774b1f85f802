#include "sqlsupport.h"

#include "logging.h"

#include <QSqlError>
#include <QSqlQuery>

using namespace Qt::StringLiterals;

namespace aisim::sql {

Status exec(QSqlQuery &query, const QString &what)
{
    if (query.exec())
        return success();
    const QSqlError error = query.lastError();
    qCWarning(lcStorage) << what << "failed:" << error.text();
    if (isUniqueViolation(query))
        return Error::conflict(what + u": "_s + error.databaseText());
    if (error.type() == QSqlError::ConnectionError)
        return Error::unavailable(what + u": "_s + error.text());
    return Error::internal(what + u": "_s + error.text());
}

Status exec(QSqlQuery &query, const QString &statement, const QVariantList &values,
            const QString &what)
{
    if (!query.prepare(statement)) {
        qCWarning(lcStorage) << "cannot prepare" << what << query.lastError().text();
        return Error::internal(what + u": "_s + query.lastError().text());
    }
    for (const QVariant &value : values)
        query.addBindValue(value);
    return exec(query, what);
}

bool isUniqueViolation(const QSqlQuery &query)
{
    const QSqlError error = query.lastError();
    // PostgreSQL: SQLSTATE 23505; SQLite: extended code 2067 (or 1555 for a primary key).
    const QString code = error.nativeErrorCode();
    return code == "23505"_L1 || code == "2067"_L1 || code == "1555"_L1
        || error.databaseText().contains("UNIQUE constraint failed"_L1);
}

Transaction::Transaction(QSqlDatabase db)
    : m_db(std::move(db))
{
    if (m_db.driverName() == "QSQLITE"_L1) {
        // A deferred SQLite transaction that reads and then writes fails at once ("database is
        // locked") when another connection wrote in between; taking the write lock up front
        // makes it wait its turn instead.
        QSqlQuery begin(m_db);
        m_active = begin.exec(u"BEGIN IMMEDIATE"_s);
    } else {
        m_active = m_db.transaction();
    }
    if (!m_active)
        qCWarning(lcStorage) << "cannot begin a transaction:" << m_db.lastError().text();
}

Transaction::~Transaction()
{
    if (m_active)
        m_db.rollback();
}

Status Transaction::commit()
{
    if (!m_active)
        return Error::internal(u"no transaction to commit"_s);
    m_active = false;
    if (m_db.commit())
        return success();
    const QString text = m_db.lastError().text();
    m_db.rollback();
    return Error::internal(u"commit failed: "_s + text);
}

} // namespace aisim::sql
