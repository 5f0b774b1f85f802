#include "savefiledialog.h"

#include <QFileDialog>

namespace aisim {

QString askSavePath(QWidget *parent, const QString &title, const QString &fileName,
                    const QStringList &filters, QString *chosenFilter)
{
    QFileDialog dialog(parent, title);
    dialog.setObjectName(QStringLiteral("saveFileDialog"));
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setNameFilters(filters);
    if (chosenFilter && !chosenFilter->isEmpty())
        dialog.selectNameFilter(*chosenFilter);
    dialog.selectFile(fileName);
    dialog.resize(900, 560);
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return {};
    if (chosenFilter)
        *chosenFilter = dialog.selectedNameFilter();
    return dialog.selectedFiles().constFirst();
}

} // namespace aisim
