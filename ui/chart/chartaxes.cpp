#include "chartaxes.h"

#include <QLogValueAxis>
#include <QValueAxis>

#include <cmath>

using namespace Qt::StringLiterals;

namespace aisim::chartaxes {

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
    else if (auto *linear = qobject_cast<QValueAxis *>(axis))
        linear->setRange(min, max);
}

QPair<double, double> fittingRange(const Extent &extent, bool logarithmic)
{
    if (logarithmic) {
        if (!extent.isValid() || extent.min <= 0)
            return {1, 10};
        const double low = std::pow(10.0, std::floor(std::log10(extent.min)));
        double high = std::pow(10.0, std::ceil(std::log10(extent.max)));
        if (high <= low)
            high = low * 10;
        return {low, high};
    }
    if (!extent.isValid())
        return {0, 1};
    const double low = std::min(0.0, extent.min);
    double high = extent.max;
    if (high <= low)
        high = low + (low == 0 ? 1 : std::abs(low) * 0.1);
    return {low, high};
}

void applyNiceNumbers(QAbstractAxis *axis)
{
    if (auto *linear = qobject_cast<QValueAxis *>(axis))
        linear->applyNiceNumbers();
}

} // namespace aisim::chartaxes
