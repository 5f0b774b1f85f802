#include "desktopsettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace aisim {

DesktopSettings DesktopSettings::load()
{
    const QSettings settings;
    DesktopSettings loaded;
    loaded.databaseUrl = settings.value(u"database/url"_s).toString();
    loaded.apiEnabled = settings.value(u"api/enabled"_s, loaded.apiEnabled).toBool();
    loaded.apiHost = settings.value(u"api/host"_s, loaded.apiHost).toString();
    loaded.apiPort = settings.value(u"api/port"_s, loaded.apiPort).toInt();
    loaded.workers = settings.value(u"engine/workers"_s, loaded.workers).toInt();
    loaded.verdictPoints = settings.value(u"engine/verdictPoints"_s, loaded.verdictPoints).toInt();
    loaded.stallThreshold
        = settings.value(u"engine/stallThreshold"_s, loaded.stallThreshold).toDouble();
    loaded.runTimeoutSeconds
        = settings.value(u"engine/runTimeoutSeconds"_s, loaded.runTimeoutSeconds).toInt();
    return loaded;
}

void DesktopSettings::save() const
{
    QSettings settings;
    settings.setValue(u"database/url"_s, databaseUrl);
    settings.setValue(u"api/enabled"_s, apiEnabled);
    settings.setValue(u"api/host"_s, apiHost);
    settings.setValue(u"api/port"_s, apiPort);
    settings.setValue(u"engine/workers"_s, workers);
    settings.setValue(u"engine/verdictPoints"_s, verdictPoints);
    settings.setValue(u"engine/stallThreshold"_s, stallThreshold);
    settings.setValue(u"engine/runTimeoutSeconds"_s, runTimeoutSeconds);
}

} // namespace aisim
