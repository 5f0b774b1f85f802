#include "sessionsettingsbox.h"

#include "databaseurl.h"
#include "runtime.h"

#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

// Workers: a count, 0 for one per core, negative when this session runs none.
QString workersText(int workers)
{
    if (workers < 0)
        return SessionSettingsBox::tr("none: runs wait for another process");
    return workers > 0 ? QString::number(workers) : SessionSettingsBox::tr("one per core");
}

QString timeoutText(int seconds)
{
    return seconds > 0 ? SessionSettingsBox::tr("%1 s").arg(seconds)
                       : SessionSettingsBox::tr("no limit");
}

QString restText(const DesktopSettings &settings)
{
    if (!settings.apiEnabled)
        return SessionSettingsBox::tr("off");
    const bool v6 = settings.apiHost.contains(u':');
    return u"http://%1:%2"_s.arg(v6 ? u"["_s + settings.apiHost + u"]"_s : settings.apiHost)
        .arg(settings.apiPort);
}

} // namespace

DesktopSettings sessionSettings(Runtime &runtime, const DesktopSettings &saved)
{
    const RuntimeOptions &options = runtime.options();
    DesktopSettings inUse;
    inUse.databaseUrl = options.database.toString();
    inUse.workers = options.runEngine ? options.engine.workers : -1;
    inUse.runTimeoutSeconds = options.engine.runTimeoutSeconds;
    const api::ApiServer *server = runtime.apiServer();
    inUse.apiEnabled = server && server->isListening();
    if (inUse.apiEnabled) {
        // The saved spelling when it names the same address ("localhost" for 127.0.0.1).
        const auto savedAddress = api::ApiServer::parseAddress(saved.apiHost);
        inUse.apiHost = savedAddress && *savedAddress == server->address()
            ? saved.apiHost
            : server->address().toString();
        inUse.apiPort = server->port();
    } else {
        inUse.apiHost = saved.apiHost;
        inUse.apiPort = saved.apiPort;
    }
    return inUse;
}

SessionSettingsBox::SessionSettingsBox(const DesktopSettings &saved,
                                       const QString &defaultDatabasePath, QWidget *parent)
    : QGroupBox(tr("In use now"), parent)
    , m_saved(saved)
    , m_defaultPath(defaultDatabasePath)
    , m_form(new QFormLayout)
    , m_summary(new QLabel(this))
{
    setObjectName(u"inUseBox"_s);
    m_summary->setObjectName(u"inUseSummary"_s);
    m_summary->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_form);
    layout->addWidget(m_summary);
}

QString SessionSettingsBox::databaseText(const QString &url) const
{
    QString ignored;
    if (url.isEmpty())
        return DatabaseUrl::sqliteFile(m_defaultPath).displayString();
    const auto parsed = DatabaseUrl::parse(url, &ignored);
    return parsed ? parsed->displayString() : url;
}

void SessionSettingsBox::addRow(const QString &key, const QString &label, const QString &inUse,
                                const QString &saved, const QStringList &differing)
{
    auto *value = new QLabel(this);
    value->setObjectName(key + u"InUse"_s);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(true);
    if (inUse == saved) {
        value->setText(inUse.toHtmlEscaped());
    } else {
        m_differences << differing;
        value->setText(tr("<b>%1</b><br><small>saved: %2</small>")
                           .arg(inUse.toHtmlEscaped(), saved.toHtmlEscaped()));
    }
    value->setProperty("plainValue", inUse);
    m_form->addRow(label, value);
}

void SessionSettingsBox::setInUse(const DesktopSettings &inUse)
{
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);
    m_differences.clear();
    addRow(u"database"_s, tr("Database:"), databaseText(inUse.databaseUrl),
           databaseText(m_saved.databaseUrl), {tr("database")});
    QStringList rest;
    if (inUse.apiEnabled != m_saved.apiEnabled)
        rest << tr("REST server on/off");
    if (inUse.apiEnabled && m_saved.apiEnabled && inUse.apiHost != m_saved.apiHost)
        rest << tr("address");
    if (inUse.apiEnabled && m_saved.apiEnabled && inUse.apiPort != m_saved.apiPort)
        rest << tr("port");
    addRow(u"rest"_s, tr("REST server:"), restText(inUse), restText(m_saved), rest);
    addRow(u"workers"_s, tr("Workers:"), workersText(inUse.workers), workersText(m_saved.workers),
           {tr("workers")});
    addRow(u"timeout"_s, tr("Run time-out:"), timeoutText(inUse.runTimeoutSeconds),
           timeoutText(m_saved.runTimeoutSeconds), {tr("run time-out")});
    if (m_differences.isEmpty()) {
        m_summary->setText(tr("These are the saved settings below."));
        m_summary->setForegroundRole(QPalette::PlaceholderText);
    } else {
        m_summary->setText(
            tr("⚠ This session was started with options that override the saved settings: %1 "
               "differ. The fields below edit the saved settings, which apply when AISimulation "
               "starts without those options.")
                .arg(m_differences.join(u", "_s)));
        m_summary->setForegroundRole(QPalette::WindowText);
    }
}

QString SessionSettingsBox::valueText(const QString &key) const
{
    const auto *value = findChild<QLabel *>(key + u"InUse"_s);
    return value ? value->property("plainValue").toString() : QString();
}

} // namespace aisim
