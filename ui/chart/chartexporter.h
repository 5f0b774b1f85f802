#pragma once

#include "result.h"

#include <QList>
#include <QPointF>
#include <QString>

class QWidget;

namespace aisim {

// One run's full data as written to a CSV export.
struct ExportedSeries
{
    qint64 simulationId = 0;
    QString name;
    QList<QPointF> points; // x: seconds, y: loss
};

// Writes a chart to image files and its data to CSV; each file appears whole or not at all.
class ChartExporter
{
public:
    // The widget as it is on screen, as a PNG image.
    static Status writePng(QWidget *widget, const QString &path);
    // The widget as a scalable SVG drawing.
    static Status writeSvg(QWidget *widget, const QString &path, const QString &title);
    // simulation_id,name,seconds,loss rows, numbers in their shortest exact form.
    static Status writeCsv(const QList<ExportedSeries> &series, const QString &path);
    static QString csvField(const QString &text);
    // Asks where to export, with the suffix of the chosen format; empty when cancelled.
    static QString askPath(QWidget *parent);
};

} // namespace aisim
