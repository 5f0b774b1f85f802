#pragma once

#include <QString>
#include <QStringList>

class QWidget;

namespace aisim {

// Asks for a file to save to, in a dialog opened wide enough for its columns (name, size, type,
// date); the chosen filter is given back through chosenFilter. Empty when cancelled.
QString askSavePath(QWidget *parent, const QString &title, const QString &fileName,
                    const QStringList &filters, QString *chosenFilter = nullptr);

} // namespace aisim
