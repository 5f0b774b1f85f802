// Renders the application's SVG icon to a square PNG at build time, for the hicolor icon theme:
//     aisim_rendericon input.svg output.png size
#include <QCoreApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <QTextStream>

using namespace Qt::StringLiterals;

namespace {
int fail(const QString &message)
{
    QTextStream(stderr) << "aisim_rendericon: " << message << '\n';
    return 1;
}
} // namespace

int main(int argc, char *argv[])
{
    // Drawing shapes on an image needs neither a display nor a QGuiApplication.
    QCoreApplication app(argc, argv);
    const QStringList arguments = app.arguments();
    if (arguments.size() != 4)
        return fail(u"usage: aisim_rendericon input.svg output.png size"_s);

    bool ok = false;
    const int size = arguments.at(3).toInt(&ok);
    if (!ok || size < 1 || size > 4096)
        return fail(u"the size must be a whole number of pixels from 1 to 4096, not '%1'"_s.arg(
            arguments.at(3)));
    QSvgRenderer renderer(arguments.at(1));
    if (!renderer.isValid())
        return fail(u"cannot read the SVG image %1"_s.arg(arguments.at(1)));

    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
        renderer.setAspectRatioMode(Qt::KeepAspectRatio);
        renderer.render(&painter);
    }
    if (!image.save(arguments.at(2), "PNG"))
        return fail(u"cannot write %1"_s.arg(arguments.at(2)));
    return 0;
}
