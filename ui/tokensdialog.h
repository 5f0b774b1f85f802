#pragma once

#include "apitoken.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace aisim {

class Database;

// Lists the REST API tokens of the database and creates and revokes them. A new token's secret
// is shown once, with a copy button; the database keeps only its hash.
class TokensDialog : public QDialog
{
    Q_OBJECT
public:
    explicit TokensDialog(Database &database, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *scopeBox() const { return m_scope; }
    QPushButton *createButton() const { return m_create; }
    QPushButton *revokeButton() const { return m_revoke; }
    QLineEdit *secretEdit() const { return m_secret; }
    QLabel *messageLabel() const { return m_message; }

    // Whether the REST API of this session asks for tokens; when not (--no-auth), says so.
    void setTokensRequired(bool required);
    QLabel *noAuthNote() const { return m_noAuth; }

    // Asks before revoking; tests turn it off.
    void setConfirmRevocation(bool confirm) { m_confirmRevocation = confirm; }

Q_SIGNALS:
    void tokensReloaded(int count);

private:
    void reload();
    void createToken();
    void revokeSelected();
    void showTokens(const QList<ApiToken> &tokens);
    void showMessage(const QString &text, bool failure);
    void updateButtons();

    Database &m_database;
    QTreeWidget *m_list = nullptr;
    QLineEdit *m_name = nullptr;
    QComboBox *m_scope = nullptr;
    QPushButton *m_create = nullptr;
    QPushButton *m_revoke = nullptr;
    QLineEdit *m_secret = nullptr;
    QPushButton *m_copy = nullptr;
    QLabel *m_message = nullptr;
    QLabel *m_noAuth = nullptr;
    bool m_confirmRevocation = true;
    bool m_busy = false;
};

} // namespace aisim
