#include "runstatisticsformat.h"

#include "simulationformat.h"

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace aisim::runformat {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("aisim::runformat", text);
}
} // namespace

QString loss(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'g', 4) : QString();
}

QString rate(const std::optional<double> &value)
{
    return value ? QString::number(*value, 'f', 3) : QString();
}

QString verdict(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Converging:
        return tr("converging");
    case Verdict::Stalled:
        return tr("stalled");
    case Verdict::Diverging:
        return tr("diverging");
    case Verdict::TooFewPoints:
        break;
    }
    return tr("too few points");
}

QString verdictExplanation(const Simulation &simulation)
{
    QString text;
    switch (simulation.verdict) {
    case Verdict::Converging:
        text = tr("The loss still falls over the last points");
        break;
    case Verdict::Stalled:
        text = tr("The loss barely moved over the last points: below the stall threshold");
        break;
    case Verdict::Diverging:
        text = tr("The loss rose over the last points");
        break;
    case Verdict::TooFewPoints:
        text = tr("Not enough points yet to judge");
        break;
    }
    if (simulation.rate)
        text += u"\n"_s
            + tr("Rate (slope of log loss over log seconds): %1").arg(rate(simulation.rate));
    if (simulation.bestLoss && simulation.bestSeconds)
        text += u"\n"_s
            + tr("Best loss %1 at %2 s")
                  .arg(loss(simulation.bestLoss))
                  .arg(*simulation.bestSeconds, 0, 'g', 10);
    return text;
}

QColor verdictColor(Verdict verdict)
{
    if (verdict == Verdict::Diverging)
        return QColor(0xc6, 0x28, 0x28);
    if (verdict == Verdict::Stalled)
        return QColor(0xb2, 0x6a, 0x00);
    return {};
}

QString lease(const Simulation &simulation, bool machineOnline, const QString &machineName)
{
    if (simulation.status == SimulationStatus::Running && !simulation.leaseOwner.isEmpty()) {
        QString text = tr("Running on worker %1").arg(simulation.leaseOwner);
        if (simulation.leaseAcquiredAt.isValid())
            text += u"\n"_s + tr("since %1").arg(formatDateTime(simulation.leaseAcquiredAt));
        if (simulation.leaseExpiresAt.isValid())
            text += u"\n"_s + tr("lease expires %1").arg(formatDateTime(simulation.leaseExpiresAt));
        text += u"\n"_s
            + tr("attempt %1 of %2").arg(simulation.attempts).arg(simulation.maxAttempts);
        return text;
    }
    if (simulation.status == SimulationStatus::Pending && !machineOnline)
        return tr("Waits for a worker of machine %1: none is online").arg(machineName);
    return {};
}

} // namespace aisim::runformat
