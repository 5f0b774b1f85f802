#include "databasestatuslabel.h"

#include "uilogging.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace aisim {

DatabaseStatusLabel::DatabaseStatusLabel(const QString &database, QWidget *parent)
    : QLabel(parent)
    , m_database(database)
{
    setObjectName(u"databaseLabel"_s);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    updateText();
}

void DatabaseStatusLabel::readFailed(const QString &error)
{
    if (error != m_lastError)
        qCWarning(lcUi).noquote() << "database read failed:" << error;
    m_lastError = error;
    if (!m_reachable)
        return;
    m_reachable = false;
    m_failingSince = QDateTime::currentDateTime();
    updateText();
    Q_EMIT reachabilityChanged(false);
}

void DatabaseStatusLabel::readSucceeded()
{
    if (m_reachable)
        return;
    qCInfo(lcUi) << "the database answers again";
    m_reachable = true;
    m_lastError.clear();
    updateText();
    Q_EMIT reachabilityChanged(true);
}

void DatabaseStatusLabel::updateText()
{
    if (m_reachable) {
        setText(tr("Database: %1").arg(m_database));
        setToolTip(QString());
        setStyleSheet(QString());
        return;
    }
    setText(tr("⚠ The database does not answer since %1; retrying")
                .arg(QLocale().toString(m_failingSince.time(), QLocale::ShortFormat)));
    setToolTip(tr("%1 cannot be reached: its server may be stopped or out of reach. The window "
                  "shows what it last read and catches up by itself when the database answers.")
                   .arg(m_database));
    setStyleSheet(u"color: #c62828; font-weight: bold;"_s);
}

} // namespace aisim
