#include "databaseproblem.h"

#include <QCoreApplication>

namespace aisim {

QString describeFailure(const Error &error)
{
    if (error.isTransient())
        return error.userMessage();
    switch (error.kind) {
    case Error::Kind::Unavailable:
        return QCoreApplication::translate(
            "aisim", "The database cannot be reached: its server may be stopped or out of reach.");
    case Error::Kind::Internal:
        return QCoreApplication::translate(
            "aisim", "The database refused the operation; the log has the details.");
    case Error::Kind::NotFound:
    case Error::Kind::Conflict:
    case Error::Kind::Invalid:
        break;
    }
    return error.message; // written for users: "Machine 7 exists already" …
}

} // namespace aisim
