#include "timestamp.h"

namespace aisim {

namespace {
// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
// civil_from_days), valid far beyond any date stored here.
void civilFromDays(qint64 days, qint64 *year, int *month, int *day)
{
    days += 719'468;
    const qint64 era = (days >= 0 ? days : days - 146'096) / 146'097;
    const qint64 dayOfEra = days - era * 146'097;
    const qint64 yearOfEra
        = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36'524 - dayOfEra / 146'096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 monthIndex = (5 * dayOfYear + 2) / 153;
    *day = int(dayOfYear - (153 * monthIndex + 2) / 5 + 1);
    *month = int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9);
    *year = yearOfEra + era * 400 + (*month <= 2 ? 1 : 0);
}

char *putDigits(char *at, qint64 value, int width)
{
    for (int i = width - 1; i >= 0; --i) {
        at[i] = char('0' + value % 10);
        value /= 10;
    }
    return at + width;
}
} // namespace

char *writeTimestamp(char *at, qint64 msSinceEpoch)
{
    constexpr qint64 kMsPerDay = 86'400'000;
    qint64 days = msSinceEpoch / kMsPerDay;
    qint64 msOfDay = msSinceEpoch % kMsPerDay;
    if (msOfDay < 0) {
        msOfDay += kMsPerDay;
        --days;
    }
    qint64 year = 0;
    int month = 0;
    int day = 0;
    civilFromDays(days, &year, &month, &day);
    if (year < 0 || year > 9999) {
        // QDateTime writes such years its own way; they never occur in stored dates.
        year = month = day = 0;
        msOfDay = 0;
    }
    at = putDigits(at, year, 4);
    *at++ = '-';
    at = putDigits(at, month, 2);
    *at++ = '-';
    at = putDigits(at, day, 2);
    *at++ = 'T';
    at = putDigits(at, msOfDay / 3'600'000, 2);
    *at++ = ':';
    at = putDigits(at, msOfDay / 60'000 % 60, 2);
    *at++ = ':';
    at = putDigits(at, msOfDay / 1000 % 60, 2);
    *at++ = '.';
    at = putDigits(at, msOfDay % 1000, 3);
    // QDateTime keeps milliseconds; the original prints microseconds.
    *at++ = '0';
    *at++ = '0';
    *at++ = '0';
    return at;
}

void appendTimestamp(QByteArray &out, qint64 msSinceEpoch)
{
    char text[kTimestampLength];
    out.append(text, writeTimestamp(text, msSinceEpoch) - text);
}

} // namespace aisim
