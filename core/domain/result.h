#pragma once

#include "storagefault.h"

#include <QString>

#include <utility>
#include <variant>

namespace aisim {

// Why an operation failed; the API maps each kind to one HTTP status in one place.
struct Error
{
    enum class Kind { NotFound, Conflict, Invalid, Unavailable, Internal };

    Kind kind = Kind::Internal;
    QString message;
    // Set when the database could not store or read: the API answers with the fault's status
    // and sentence, and message (the driver's words) stays in the log.
    StorageFault fault = StorageFault::None;
    // Set when the database ended the transaction to break a deadlock or a serialization
    // conflict with another one: nothing of it was stored, and the same transaction run again
    // may succeed.
    bool aborted = false;

    static Error notFound(QString message) { return {Kind::NotFound, std::move(message)}; }
    static Error conflict(QString message) { return {Kind::Conflict, std::move(message)}; }
    static Error invalid(QString message) { return {Kind::Invalid, std::move(message)}; }
    static Error unavailable(QString message) { return {Kind::Unavailable, std::move(message)}; }
    static Error internal(QString message) { return {Kind::Internal, std::move(message)}; }
    // The database could not take this now (a storage fault, an aborted transaction): the
    // same operation may succeed later, and it says nothing of what was asked.
    bool isTransient() const { return fault != StorageFault::None || aborted; }
    // What a user is shown: a storage fault's sentence (never the driver's words), otherwise
    // the message.
    QString userMessage() const
    {
        if (aborted)
            return QStringLiteral("The database ended this change to resolve a conflict with "
                                  "another one; nothing was stored. Try again.");
        return fault == StorageFault::None ? message : storageFaultSentence(fault);
    }

    static Error storage(StorageFault fault, QString message)
    {
        return {Kind::Unavailable, std::move(message), fault};
    }
    static Error abortedTransaction(QString message)
    {
        return {Kind::Unavailable, std::move(message), StorageFault::None, true};
    }
};

// A value or the error that prevented it.
template<typename T = std::monostate> class Result
{
public:
    Result(T value)
        : m_state(std::move(value))
    { }
    Result(Error error)
        : m_state(std::move(error))
    { }

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<T>(m_state); }
    T &value() & { return std::get<T>(m_state); }
    // A temporary hands its value over, so `for (x : f().value())` never dangles.
    T value() && { return std::get<T>(std::move(m_state)); }
    const T &operator*() const { return value(); }
    const T *operator->() const { return &value(); }
    const Error &error() const { return std::get<Error>(m_state); }

private:
    std::variant<T, Error> m_state;
};

using Status = Result<std::monostate>;
inline Status success()
{
    return Status(std::monostate {});
}

} // namespace aisim
