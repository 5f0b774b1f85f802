#include "tokensdialog.h"

#include "simulationformat.h"

#include "async.h"
#include "tokenrepository.h"

#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QTreeWidget>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {
QString formatTime(const QDateTime &time)
{
    return time.isValid() ? formatDateTime(time) : QString(u"—"_s);
}
} // namespace

TokensDialog::TokensDialog(Database &database, QWidget *parent)
    : QDialog(parent)
    , m_database(database)
{
    setWindowTitle(tr("REST API Tokens"));
    auto *intro = new QLabel(tr("Clients of the REST API send a token as "
                                "<tt>Authorization: Bearer …</tt>. <b>read</b> may look, "
                                "<b>write</b> may also create and control runs, <b>admin</b> "
                                "may also manage tokens."),
                             this);
    intro->setWordWrap(true);
    m_noAuth = new QLabel(tr("<b>This session serves the REST API without tokens</b> "
                             "(<tt>--no-auth</tt>): requests are not asked for one. The tokens "
                             "below apply when aisim runs without that option."),
                          this);
    m_noAuth->setObjectName(u"noAuthNote"_s);
    m_noAuth->setWordWrap(true);
    m_noAuth->hide();

    m_list = new QTreeWidget(this);
    m_list->setRootIsDecorated(false);
    m_list->setHeaderLabels({tr("Name"), tr("Scope"), tr("Created"), tr("Last used"), tr("State")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, &TokensDialog::updateButtons);

    m_name = new QLineEdit(this);
    m_name->setPlaceholderText(tr("name, e.g. ci-pipeline"));
    m_name->setValidator(
        new QRegularExpressionValidator(QRegularExpression(u"[A-Za-z0-9._-]{0,64}"_s), m_name));
    connect(m_name, &QLineEdit::textChanged, this, &TokensDialog::updateButtons);
    connect(m_name, &QLineEdit::returnPressed, this, &TokensDialog::createToken);
    m_scope = new QComboBox(this);
    for (const TokenScope scope : {TokenScope::Read, TokenScope::Write, TokenScope::Admin})
        m_scope->addItem(scopeName(scope), int(scope));
    m_create = new QPushButton(tr("Create"), this);
    m_create->setAutoDefault(false);
    connect(m_create, &QPushButton::clicked, this, &TokensDialog::createToken);
    auto *form = new QHBoxLayout;
    form->addWidget(m_name, 1);
    form->addWidget(m_scope);
    form->addWidget(m_create);

    m_secret = new QLineEdit(this);
    m_secret->setReadOnly(true);
    m_secret->setPlaceholderText(tr("a new token's secret appears here, once"));
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setAutoDefault(false);
    m_copy->setEnabled(false);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_secret->text());
        showMessage(tr("Token copied to the clipboard"), false);
    });
    auto *secretRow = new QHBoxLayout;
    secretRow->addWidget(m_secret, 1);
    secretRow->addWidget(m_copy);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_revoke = new QPushButton(tr("Revoke…"), this);
    m_revoke->setAutoDefault(false);
    connect(m_revoke, &QPushButton::clicked, this, &TokensDialog::revokeSelected);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_revoke, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_noAuth);
    layout->addWidget(m_list, 1);
    layout->addLayout(form);
    layout->addLayout(secretRow);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    resize(640, 420);
    updateButtons();
    reload();
}

void TokensDialog::setTokensRequired(bool required)
{
    m_noAuth->setVisible(!required);
}

void TokensDialog::reload()
{
    Database *database = &m_database;
    runInBackground(
        this, [database] { return TokenRepository(*database).list(); },
        [this](const Result<QList<ApiToken>> &tokens) {
            if (!tokens) {
                showMessage(tr("Cannot read the tokens: %1").arg(tokens.error().userMessage()),
                            true);
                return;
            }
            showTokens(tokens.value());
        });
}

void TokensDialog::showTokens(const QList<ApiToken> &tokens)
{
    m_list->clear();
    for (const ApiToken &token : tokens) {
        auto *item = new QTreeWidgetItem(
            m_list,
            {token.name, scopeName(token.scope), formatTime(token.createdAt),
             formatTime(token.lastUsedAt),
             token.isRevoked() ? tr("revoked %1").arg(formatTime(token.revokedAt)) : tr("active")});
        item->setData(0, Qt::UserRole, token.isRevoked());
        if (token.isRevoked()) {
            for (int column = 0; column < item->columnCount(); ++column)
                item->setForeground(column, palette().brush(QPalette::Disabled, QPalette::Text));
        }
    }
    updateButtons();
    Q_EMIT tokensReloaded(int(tokens.size()));
}

void TokensDialog::createToken()
{
    const QString name = m_name->text().trimmed();
    if (name.isEmpty() || m_busy)
        return;
    const auto scope = TokenScope(m_scope->currentData().toInt());
    m_busy = true;
    updateButtons();
    Database *database = &m_database;
    runInBackground(
        this, [database, name, scope] { return TokenRepository(*database).create(name, scope); },
        [this, name](const Result<NewApiToken> &created) {
            m_busy = false;
            if (!created) {
                showMessage(
                    created.error().kind == Error::Kind::Conflict
                        ? tr("A token named '%1' exists already").arg(name)
                        : tr("Cannot create the token: %1").arg(created.error().userMessage()),
                    true);
                updateButtons();
                return;
            }
            m_secret->setText(created->secret);
            m_copy->setEnabled(true);
            m_name->clear();
            showMessage(tr("Token '%1' created. Copy it now: it is not shown again.").arg(name),
                        false);
            reload();
        });
}

void TokensDialog::revokeSelected()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (!item || m_busy)
        return;
    const QString name = item->text(0);
    if (m_confirmRevocation
        && QMessageBox::question(this, tr("Revoke Token"),
                                 tr("Revoke the token '%1'? Clients using it get 401 from now "
                                    "on.")
                                     .arg(name))
            != QMessageBox::Yes)
        return;
    m_busy = true;
    updateButtons();
    Database *database = &m_database;
    runInBackground(
        this, [database, name] { return TokenRepository(*database).revoke(name); },
        [this, name](const Result<ApiToken> &revoked) {
            m_busy = false;
            if (!revoked)
                showMessage(tr("Cannot revoke '%1': %2").arg(name, revoked.error().userMessage()),
                            true);
            else
                showMessage(tr("Token '%1' revoked").arg(name), false);
            reload();
        });
}

void TokensDialog::showMessage(const QString &text, bool failure)
{
    m_message->setText(failure ? u"⚠ "_s + text : text);
    m_message->setProperty("failure", failure);
}

void TokensDialog::updateButtons()
{
    const QTreeWidgetItem *item = m_list->currentItem();
    m_create->setEnabled(!m_busy && !m_name->text().trimmed().isEmpty());
    m_revoke->setEnabled(!m_busy && item && !item->data(0, Qt::UserRole).toBool());
}

} // namespace aisim
