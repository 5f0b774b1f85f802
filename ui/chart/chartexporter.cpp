#include "chartexporter.h"

#include "savefiledialog.h"

#include <QFileInfo>
#include <QImage>
#include <QLocale>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

using namespace Qt::StringLiterals;

namespace aisim {

namespace {

QString number(double value)
{
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

Status openFailure(const QSaveFile &file)
{
    return Error::invalid(u"cannot write %1: %2"_s.arg(file.fileName(), file.errorString()));
}

} // namespace

Status ChartExporter::writePng(QWidget *widget, const QString &path)
{
    const QImage image = widget->grab().toImage();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return openFailure(file);
    if (image.isNull() || !image.save(&file, "PNG"))
        return Error::internal(u"cannot encode the chart as PNG"_s);
    if (!file.commit())
        return openFailure(file);
    return success();
}

Status ChartExporter::writeSvg(QWidget *widget, const QString &path, const QString &title)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return openFailure(file);
    QSvgGenerator generator;
    generator.setOutputDevice(&file);
    generator.setSize(widget->size());
    generator.setViewBox(QRect(QPoint(), widget->size()));
    generator.setTitle(title);
    QPainter painter;
    if (!painter.begin(&generator))
        return Error::internal(u"cannot draw the chart as SVG"_s);
    widget->render(&painter);
    painter.end();
    if (!file.commit())
        return openFailure(file);
    return success();
}

Status ChartExporter::writeCsv(const QList<ExportedSeries> &series, const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return openFailure(file);
    QByteArray chunk = "simulation_id,name,seconds,loss\n";
    for (const ExportedSeries &one : series) {
        const QString prefix = QString::number(one.simulationId) % u',' % csvField(one.name) % u',';
        for (const QPointF &point : one.points) {
            chunk += (prefix % number(point.x()) % u',' % number(point.y()) % u'\n').toUtf8();
            if (chunk.size() > (1 << 16)) {
                file.write(chunk);
                chunk.clear();
            }
        }
    }
    file.write(chunk);
    if (!file.commit())
        return openFailure(file);
    return success();
}

QString ChartExporter::csvField(const QString &text)
{
    if (!text.contains(u',') && !text.contains(u'"') && !text.contains(u'\n')
        && !text.contains(u'\r'))
        return text;
    QString quoted = text;
    quoted.replace(u"\""_s, u"\"\""_s);
    return u'"' % quoted % u'"';
}

QString ChartExporter::askPath(QWidget *parent)
{
    const QString png = QWidget::tr("PNG image (*.png)");
    const QString svg = QWidget::tr("SVG drawing (*.svg)");
    const QString csv = QWidget::tr("CSV data (*.csv)");
    QString filter = png;
    QString path = askSavePath(parent, QWidget::tr("Export convergence"), u"convergence.png"_s,
                               {png, svg, csv}, &filter);
    if (!path.isEmpty() && QFileInfo(path).suffix().isEmpty())
        path += filter == svg ? u".svg"_s : filter == csv ? u".csv"_s : u".png"_s;
    return path;
}

} // namespace aisim
