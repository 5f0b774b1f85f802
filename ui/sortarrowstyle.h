#pragma once

#include <QProxyStyle>

namespace aisim {

// Draws a header's sort arrow as most applications do: up for ascending, down for descending.
// Qt passes ascending as SortDown, which Fusion and most styles draw pointing down.
class SortArrowStyle : public QProxyStyle
{
    Q_OBJECT
public:
    using QProxyStyle::QProxyStyle;

    void drawPrimitive(PrimitiveElement element, const QStyleOption *option, QPainter *painter,
                       const QWidget *widget = nullptr) const override;
};

} // namespace aisim
