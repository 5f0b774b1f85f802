#include "chartaxes.h"

#include <QChart>
#include <QLogValueAxis>
#include <QValueAxis>
#include <QXYSeries>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim::chartaxes {

namespace {

constexpr double kEdgeSlack = 1e-9;
// Room beyond the data on each side, as a share of the axis.
constexpr double kMarginFraction = 0.04;
// At least this many decades of room on a log axis (a single value, a flat run).
constexpr double kMinLogMargin = 0.02;
// Labels a log axis shows at least, and about at most.
constexpr int kMinLogLabels = 3;
constexpr int kMaxLogLabels = 8;

// How many powers of base lie in [min, max].
int powersWithin(double min, double max, double base)
{
    const double step = std::log10(base);
    return int(std::floor(std::log10(max) / step + kEdgeSlack)
               - std::ceil(std::log10(min) / step - kEdgeSlack) + 1);
}

// The base whose powers label a log axis over [min, max]: 10 when that gives enough labels,
// a power of 10 when it gives too many, a root of 10 when it gives too few (a narrow range).
double labelBase(double min, double max)
{
    if (!(min > 0) || !(max > min) || !std::isfinite(max))
        return 10;
    const int decades = powersWithin(min, max, 10);
    if (decades > kMaxLogLabels)
        return std::pow(10.0, std::ceil(double(decades) / kMaxLogLabels));
    for (int roots = 1; roots < 100'000; roots *= 2) {
        const double base = std::pow(10.0, 1.0 / roots);
        if (powersWithin(min, max, base) >= kMinLogLabels)
            return base;
    }
    return 10;
}

} // namespace

QAbstractAxis *create(bool logarithmic, const QString &title)
{
    if (logarithmic) {
        auto *axis = new QLogValueAxis;
        axis->setBase(10);
        axis->setLabelFormat(u"%g"_s);
        axis->setMinorTickCount(8);
        axis->setTitleText(title);
        return axis;
    }
    auto *axis = new QValueAxis;
    axis->setLabelFormat(u"%g"_s);
    axis->setTitleText(title);
    return axis;
}

bool isLogarithmic(const QAbstractAxis *axis)
{
    return axis && axis->type() == QAbstractAxis::AxisTypeLogValue;
}

QAbstractAxis *replace(QChart *chart, QAbstractAxis *old, bool logarithmic, const QString &title,
                       Qt::Alignment alignment, const QList<QAbstractSeries *> &series)
{
    QAbstractAxis *fresh = create(logarithmic, title);
    chart->addAxis(fresh, alignment);
    for (QAbstractSeries *one : series) {
        if (auto *xy = qobject_cast<QXYSeries *>(one))
            xy->clear();
        if (old)
            one->detachAxis(old);
        one->attachAxis(fresh);
    }
    if (old) {
        // Its drawing goes away only at the next event loop pass: hide it now for exports.
        old->setVisible(false);
        chart->removeAxis(old);
        delete old;
    }
    return fresh;
}

void onRangeChanged(QAbstractAxis *axis, QObject *context, const std::function<void()> &handler)
{
    if (auto *log = qobject_cast<QLogValueAxis *>(axis))
        QObject::connect(log, &QLogValueAxis::rangeChanged, context, handler);
    else if (auto *linear = qobject_cast<QValueAxis *>(axis))
        QObject::connect(linear, &QValueAxis::rangeChanged, context, handler);
}

QPair<double, double> range(const QAbstractAxis *axis)
{
    if (const auto *log = qobject_cast<const QLogValueAxis *>(axis))
        return {log->min(), log->max()};
    if (const auto *linear = qobject_cast<const QValueAxis *>(axis))
        return {linear->min(), linear->max()};
    return {0, 0};
}

void setRange(QAbstractAxis *axis, double min, double max)
{
    if (auto *log = qobject_cast<QLogValueAxis *>(axis))
        log->setRange(min, max);
    else if (auto *linear = qobject_cast<QValueAxis *>(axis)) {
        // Ticks first: the old interval over a much wider range would mean millions of ticks.
        linear->setTickType(QValueAxis::TicksDynamic);
        linear->setTickAnchor(0);
        linear->setTickInterval(tickStep(max - min));
        linear->setRange(min, max);
    }
}

QPair<double, double> fittingRange(const Extent &extent, bool logarithmic)
{
    if (logarithmic) {
        if (!extent.isValid() || extent.min <= 0)
            return {1, 10};
        // The data with a small margin in log space, so that the markers at the ends are
        // whole; not whole decades, which could leave most of the axis empty.
        const double low = std::log10(extent.min);
        const double high = std::log10(extent.max);
        const double margin = std::max((high - low) * kMarginFraction, kMinLogMargin);
        return {std::pow(10.0, low - margin), std::pow(10.0, high + margin)};
    }
    if (!extent.isValid())
        return {0, 1};
    double low = std::min(0.0, extent.min);
    double high = extent.max;
    if (high <= low)
        high = low + (low == 0 ? 1 : std::abs(low) * 0.1);
    // A little room so that the markers at the ends are not cut; ticks stay round anyway.
    const double margin = (high - low) * kMarginFraction;
    // Below too when the data reaches the lower end (zero, or a negative lowest value).
    return {extent.min - low < margin ? low - margin : low, high + margin};
}

double tickStep(double span)
{
    if (!(span > 0) || !std::isfinite(span))
        return 1;
    // About five intervals, each 1, 2, 2.5 or 5 times a power of ten.
    const double raw = span / 5;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double multiple : {1.0, 2.0, 2.5, 5.0}) {
        if (multiple * magnitude >= raw * (1 - kEdgeSlack))
            return multiple * magnitude;
    }
    return 10 * magnitude;
}

void updateTicks(QAbstractAxis *axis)
{
    if (auto *log = qobject_cast<QLogValueAxis *>(axis)) {
        // Labels sit at powers of the base: over a range holding fewer than three powers of
        // ten, the base shrinks to a root of ten (…, 31.6, 100, 316, …) to give at least three.
        const double base = labelBase(log->min(), log->max());
        if (std::abs(log->base() - base) > 1e-12 * base) {
            const bool decades = base == 10;
            log->setBase(base);
            log->setLabelFormat(base >= 10 ? u"%g"_s : u"%.3g"_s);
            log->setMinorTickCount(decades ? 8 : 0);
        }
        return;
    }
    auto *linear = qobject_cast<QValueAxis *>(axis);
    if (!linear)
        return;
    linear->setTickType(QValueAxis::TicksDynamic);
    linear->setTickAnchor(0);
    linear->setTickInterval(tickStep(linear->max() - linear->min()));
}

} // namespace aisim::chartaxes
