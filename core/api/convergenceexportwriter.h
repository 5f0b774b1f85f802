#pragma once

#include "convergencepoint.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace aisim::api {

// Writes the points of many runs a piece at a time, so that no export is ever held whole:
// CSV in long format (simulation_id,name,seconds,loss, one row a point) or JSON
// ({"simulations":[{"simulation_id":1,"name":"…","data":[{"seconds":10,"loss":0.042},…]},…]}).
// Numbers are written in their shortest exact form, whole numbers without a fraction.
class ConvergenceExportWriter
{
public:
    enum class Format { Csv, Json };

    static std::optional<Format> formatFromString(const QString &text);
    static QByteArray contentType(Format format);
    // Quotes a CSV field when it holds a comma, a quote or a line break.
    static QString csvField(const QString &text);

    explicit ConvergenceExportWriter(Format format)
        : m_format(format)
    { }

    void begin(QByteArray &out);
    void beginRun(QByteArray &out, qint64 simulationId, const QString &name);
    void appendPoints(QByteArray &out, const ConvergenceSeries &points);
    void endRun(QByteArray &out);
    void end(QByteArray &out);

private:
    Format m_format;
    QByteArray m_csvPrefix; // "id,name," of the run being written
    bool m_firstRun = true;
    bool m_firstPoint = true;
};

} // namespace aisim::api
