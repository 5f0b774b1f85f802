#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace aisim {

// A problem with one field of a request: where it is and what is wrong, FastAPI style.
struct FieldError
{
    QStringList location; // e.g. {"body", "machine", "name"}
    QString message;
    QString type;
};

using FieldErrors = QList<FieldError>;

} // namespace aisim
