#include "convergenceexportwriter.h"

#include "jsonwriter.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim::api {

std::optional<ConvergenceExportWriter::Format>
ConvergenceExportWriter::formatFromString(const QString &text)
{
    if (text == "csv"_L1)
        return Format::Csv;
    if (text == "json"_L1)
        return Format::Json;
    return std::nullopt;
}

QByteArray ConvergenceExportWriter::contentType(Format format)
{
    return format == Format::Csv ? "text/csv; charset=utf-8"_ba : "application/json"_ba;
}

QString ConvergenceExportWriter::csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n')
        && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' + quoted + u'"';
}

void ConvergenceExportWriter::begin(QByteArray &out)
{
    m_firstRun = true;
    out += m_format == Format::Csv ? "simulation_id,name,seconds,loss\n"_ba
                                   : "{\"simulations\":["_ba;
}

void ConvergenceExportWriter::beginRun(QByteArray &out, qint64 simulationId, const QString &name)
{
    m_firstPoint = true;
    if (m_format == Format::Csv) {
        m_csvPrefix = QByteArray::number(simulationId) + ',' + csvField(name).toUtf8() + ',';
        return;
    }
    if (!m_firstRun)
        out += ',';
    m_firstRun = false;
    out += "{\"simulation_id\":" + QByteArray::number(simulationId) + ",\"name\":";
    appendJson(out, QJsonValue(name));
    out += ",\"data\":[";
}

void ConvergenceExportWriter::appendPoints(QByteArray &out, const ConvergenceSeries &points)
{
    for (const ConvergencePoint &point : points) {
        if (m_format == Format::Csv) {
            out += m_csvPrefix;
            appendJsonDouble(out, point.seconds, "nan");
            out += ',';
            appendJsonDouble(out, point.loss, "nan");
            out += '\n';
            continue;
        }
        if (!m_firstPoint)
            out += ',';
        m_firstPoint = false;
        out += "{\"seconds\":";
        appendJsonDouble(out, point.seconds, "null");
        out += ",\"loss\":";
        appendJsonDouble(out, point.loss, "null");
        out += '}';
    }
}

void ConvergenceExportWriter::endRun(QByteArray &out)
{
    if (m_format == Format::Json)
        out += "]}";
}

void ConvergenceExportWriter::end(QByteArray &out)
{
    if (m_format == Format::Json)
        out += "]}";
}

} // namespace aisim::api
