#include "settingsdialog.h"

#include "apiserver.h"

#include "async.h"
#include "database.h"
#include "databaseurl.h"
#include "engineoptions.h"
#include "lossstatistics.h"
#include "sessionsettingsbox.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

QLabel *restartNote(QWidget *parent, const QString &text)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

// Opens a throwaway connection on the calling (worker) thread.
QString tryConnection(const QString &url)
{
    QString error;
    const auto parsed = DatabaseUrl::parse(url, &error);
    if (!parsed)
        return error;
    Database database(*parsed);
    const auto connection = database.open();
    return connection ? QString() : connection.error().message;
}

} // namespace

SettingsDialog::SettingsDialog(const DesktopSettings &settings, const QString &defaultDatabasePath,
                               QWidget *parent)
    : QDialog(parent)
    , m_defaultPath(defaultDatabasePath)
    , m_sqlite(new QRadioButton(tr("&SQLite file"), this))
    , m_postgres(new QRadioButton(tr("&PostgreSQL server"), this))
    , m_sqlitePath(new QLineEdit(this))
    , m_browse(new QPushButton(tr("Browse…"), this))
    , m_postgresUrl(new QLineEdit(this))
    , m_test(new QPushButton(tr("&Test connection"), this))
    , m_testResult(new QLabel(this))
    , m_apiEnabled(new QCheckBox(tr("&Serve the REST API"), this))
    , m_apiHost(new QLineEdit(this))
    , m_apiPort(new QSpinBox(this))
    , m_workers(new QSpinBox(this))
    , m_runTimeout(new QSpinBox(this))
    , m_inUse(new SessionSettingsBox(settings, defaultDatabasePath, this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Settings"));
    const bool postgres = settings.databaseUrl.startsWith("postgres"_L1);
    m_sqlite->setChecked(!postgres);
    m_postgres->setChecked(postgres);
    QString path = m_defaultPath;
    if (!postgres && !settings.databaseUrl.isEmpty()) {
        QString ignored;
        if (const auto url = DatabaseUrl::parse(settings.databaseUrl, &ignored))
            path = url->path;
    }
    m_sqlitePath->setText(path);
    m_postgresUrl->setPlaceholderText(u"postgresql://user:password@host:5432/aisim"_s);
    if (postgres)
        m_postgresUrl->setText(settings.databaseUrl);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *database = new QGroupBox(tr("Database"), this);
    auto *sqliteRow = new QHBoxLayout;
    sqliteRow->addWidget(m_sqlitePath, 1);
    sqliteRow->addWidget(m_browse);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_testResult, 1);
    auto *databaseLayout = new QVBoxLayout(database);
    databaseLayout->addWidget(m_sqlite);
    databaseLayout->addLayout(sqliteRow);
    databaseLayout->addWidget(m_postgres);
    databaseLayout->addWidget(m_postgresUrl);
    databaseLayout->addLayout(testRow);
    databaseLayout->addWidget(
        restartNote(database, tr("Takes effect when AISimulation restarts.")));

    m_apiEnabled->setChecked(settings.apiEnabled);
    m_apiHost->setText(settings.apiHost);
    m_apiPort->setRange(1, 65535);
    m_apiPort->setValue(settings.apiPort);
    auto *api = new QGroupBox(tr("REST server"), this);
    auto *apiLayout = new QFormLayout(api);
    apiLayout->addRow(m_apiEnabled);
    apiLayout->addRow(tr("&Address:"), m_apiHost);
    apiLayout->addRow(tr("P&ort:"), m_apiPort);
    apiLayout->addRow(restartNote(api, tr("Applied at once.")));

    m_workers->setRange(0, 256);
    m_workers->setSpecialValueText(tr("one per core"));
    m_workers->setValue(settings.workers);
    m_verdictPoints = new QSpinBox(this);
    m_verdictPoints->setObjectName(u"verdictPointsField"_s);
    m_verdictPoints->setRange(LossThresholds::kMinPoints, LossThresholds::kMaxPoints);
    m_verdictPoints->setValue(settings.verdictPoints);
    m_verdictPoints->setSuffix(tr(" points"));
    m_verdictPoints->setToolTip(tr("A run's verdict (converging, stalled, diverging) is read "
                                   "from its last this many points"));
    m_stallThreshold = new QDoubleSpinBox(this);
    m_stallThreshold->setObjectName(u"stallThresholdField"_s);
    m_stallThreshold->setRange(0, LossThresholds::kMaxStallThreshold * 100);
    m_stallThreshold->setDecimals(2);
    m_stallThreshold->setSuffix(tr(" %"));
    m_stallThreshold->setValue(settings.stallThreshold * 100);
    m_stallThreshold->setToolTip(tr("Improving less than this over those points is stalled, "
                                    "rising more is diverging. Verdicts are stored with each "
                                    "point: runs keep the verdict of their last point."));
    auto *engine = new QGroupBox(tr("Engine"), this);
    auto *engineLayout = new QFormLayout(engine);
    engineLayout->addRow(tr("&Workers:"), m_workers);
    engineLayout->addRow(tr("&Verdict over the last:"), m_verdictPoints);
    engineLayout->addRow(tr("Stall thres&hold:"), m_stallThreshold);
    m_runTimeout->setObjectName(u"runTimeoutField"_s);
    m_runTimeout->setRange(0, kMaxRunTimeoutSeconds);
    m_runTimeout->setSpecialValueText(tr("no limit"));
    m_runTimeout->setSuffix(tr(" s"));
    m_runTimeout->setValue(settings.runTimeoutSeconds);
    m_runTimeout->setToolTip(tr("An attempt still running this long after its start fails with "
                                "\"timed out after N s\", unless the run sets its own time-out."));
    engineLayout->addRow(tr("Run &time-out:"), m_runTimeout);
    engineLayout->addRow(restartNote(engine, tr("Takes effect when AISimulation restarts.")));

    m_problem->setWordWrap(true);
    QPalette warning = m_problem->palette();
    warning.setColor(QPalette::WindowText, QColor(0xc6, 0x28, 0x28));
    m_problem->setPalette(warning);

    m_inUse->hide(); // until the window says what this session uses
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_inUse);
    layout->addWidget(database);
    layout->addWidget(api);
    layout->addWidget(engine);
    layout->addWidget(m_problem);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getSaveFileName(
            this, tr("SQLite database"), m_sqlitePath->text(), tr("SQLite databases (*.db)"),
            nullptr, QFileDialog::DontConfirmOverwrite);
        if (!file.isEmpty())
            m_sqlitePath->setText(file);
    });
    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    for (QLineEdit *field : {m_sqlitePath, m_postgresUrl, m_apiHost})
        connect(field, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    for (QAbstractButton *button :
         std::initializer_list<QAbstractButton *> {m_sqlite, m_postgres, m_apiEnabled})
        connect(button, &QAbstractButton::toggled, this, &SettingsDialog::validate);
    validate();
    resize(std::max(sizeHint().width(), 520), sizeHint().height());
}

QString SettingsDialog::databaseUrl() const
{
    if (m_postgres->isChecked())
        return m_postgresUrl->text().trimmed();
    const QString path = m_sqlitePath->text().trimmed();
    return path.isEmpty() ? QString() : u"sqlite://"_s + path;
}

QString SettingsDialog::problem() const
{
    QString error;
    if (m_postgres->isChecked() && m_postgresUrl->text().trimmed().isEmpty())
        return tr("Enter the PostgreSQL URL.");
    if (m_sqlite->isChecked() && !m_sqlitePath->text().trimmed().startsWith(u'/'))
        return tr("The SQLite file needs an absolute path.");
    if (!DatabaseUrl::parse(databaseUrl(), &error))
        return error;
    if (m_apiEnabled->isChecked() && !api::ApiServer::parseAddress(m_apiHost->text()))
        return tr("The REST address must be an IP address such as 127.0.0.1 or ::1, or "
                  "localhost.");
    return QString();
}

void SettingsDialog::validate()
{
    m_sqlitePath->setEnabled(m_sqlite->isChecked());
    m_browse->setEnabled(m_sqlite->isChecked());
    m_postgresUrl->setEnabled(m_postgres->isChecked());
    m_apiHost->setEnabled(m_apiEnabled->isChecked());
    m_apiPort->setEnabled(m_apiEnabled->isChecked());
    const QString text = problem();
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(text.isEmpty());
    m_test->setEnabled(text.isEmpty() || !m_apiEnabled->isChecked());
}

void SettingsDialog::setInUse(const DesktopSettings &inUse)
{
    m_inUse->setInUse(inUse);
    m_inUse->show();
    // Its wrapped lines need the width; the height follows from it.
    const int width = std::max(this->width(), 560);
    resize(width,
           layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width)
                                         : sizeHint().height());
}

void SettingsDialog::testConnection()
{
    m_test->setEnabled(false);
    m_testResult->setText(tr("Connecting…"));
    runInBackground(
        this, [url = databaseUrl()] { return tryConnection(url); },
        [this](const QString &error) {
            m_test->setEnabled(true);
            m_testResult->setText(error.isEmpty() ? tr("Connection works.")
                                                  : tr("Failed: %1").arg(error));
        });
}

DesktopSettings SettingsDialog::settings() const
{
    DesktopSettings settings;
    const QString url = databaseUrl();
    settings.databaseUrl = url == u"sqlite://"_s + m_defaultPath ? QString() : url;
    settings.apiEnabled = m_apiEnabled->isChecked();
    settings.apiHost = m_apiHost->text().trimmed();
    settings.apiPort = m_apiPort->value();
    settings.workers = m_workers->value();
    settings.verdictPoints = m_verdictPoints->value();
    settings.stallThreshold = m_stallThreshold->value() / 100;
    settings.runTimeoutSeconds = m_runTimeout->value();
    return settings;
}

} // namespace aisim
