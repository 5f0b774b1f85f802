#include "runtime.h"

#include "logging.h"
#include "lossstatisticsrepository.h"
#include "namesearch.h"
#include "simulationkeyranges.h"
#include "simulationrepository.h"
#include "storageupkeep.h"
#include "tokenrepository.h"

using namespace Qt::StringLiterals;

namespace aisim {

Runtime::Runtime(const RuntimeOptions &options)
    : m_options(options)
    , m_database(std::make_unique<Database>(options.database, options.databasePrivacy))
{ }

Result<std::unique_ptr<Runtime>> Runtime::open(const RuntimeOptions &options)
{
    std::unique_ptr<Runtime> runtime(new Runtime(options));
    if (const Status migrated = runtime->m_database->migrate(); !migrated)
        return migrated.error();
    if (const Status folded = SimulationRepository(*runtime->m_database).foldNames(); !folded)
        return folded.error();
    if (const Status measured
        = LossStatisticsRepository(*runtime->m_database, options.engine.lossThresholds)
              .measureUnmeasured();
        !measured)
        return measured.error();
    NameSearch::checkIndex(*runtime->m_database);
    // Ranges of the loss orders left large (by the migration that added them, or runs ended
    // while no process served the database) are split now, before the first request.
    if (const Status split = SimulationKeyRanges::split(*runtime->m_database); !split)
        return split.error();
    // No commit of a request or a run waits for the log to be copied back (SQLite).
    runtime->m_database->checkpointInBackground();
    if (options.runEngine)
        runtime->m_engine
            = std::make_unique<Engine>(*runtime->m_database, runtime->m_events, options.engine);
    runtime->m_service = std::make_unique<SimulationService>(
        *runtime->m_database, runtime->m_events, runtime->m_engine.get());
    if (runtime->m_database->isPostgreSql()) {
        runtime->m_bridge = std::make_unique<NotificationBridge>(
            *runtime->m_database, runtime->m_events, runtime->m_engine.get());
        runtime->m_bridge->start();
    }
    // A database served with tokens gets its first admin token now, at start, rather than
    // when the API starts later (from a window, whose thread must not wait on the database).
    if (options.apiAuth == api::AuthMode::Required) {
        if (const Status bootstrapped = runtime->createFirstAdminToken(); !bootstrapped)
            return bootstrapped.error();
    }
    if (runtime->m_engine) {
        runtime->m_engine->start();
    } else {
        runtime->m_housekeeper = std::make_unique<Housekeeper>(u"aisim-upkeep"_s);
        runtime->m_housekeeper->start(
            options.engine.pollIntervalMs,
            [upkeep = StorageUpkeep(*runtime->m_database)]() mutable { upkeep.tick(); });
    }
    qCInfo(lcStorage).noquote() << "using" << options.database.displayString();
    return runtime;
}

Runtime::~Runtime()
{
    stopApi();
    if (m_engine)
        m_engine->stop();
    if (m_housekeeper)
        m_housekeeper->stop();
    if (m_bridge)
        m_bridge->stop();
}

Status Runtime::createFirstAdminToken()
{
    TokenRepository tokens(*m_database);
    const auto count = tokens.count();
    if (!count)
        return count.error();
    if (count.value() > 0)
        return success();
    const auto created = tokens.create(u"admin"_s, TokenScope::Admin);
    if (!created)
        return created.error();
    m_initialAdminToken = created->secret;
    qCInfo(lcApi) << "created the first admin token of this database";
    return success();
}

Result<quint16> Runtime::startApi(const QHostAddress &address, quint16 port)
{
    if (m_options.apiAuth == api::AuthMode::Disabled && !address.isLoopback())
        return Error::invalid(u"the REST API runs without tokens only on a loopback address, "
                              "not on %1"_s.arg(address.toString()));
    if (!m_api) {
        api::ApiContext context;
        context.auth = m_options.apiAuth;
        context.corsOrigins = m_options.corsOrigins;
        context.connectionTimeouts = m_options.connectionTimeouts;
        context.httpThreads = m_options.httpThreads;
        context.database = m_database.get();
        context.service = m_service.get();
        context.engine = m_engine.get();
        m_api = std::make_unique<api::ApiServer>(context);
    }
    return m_api->listen(address, port);
}

void Runtime::stopApi()
{
    if (m_api)
        m_api->close();
}

} // namespace aisim
