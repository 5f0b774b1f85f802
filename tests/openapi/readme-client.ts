// The original service's README requests, and then every other JSON operation, through a client
// generated from the served OpenAPI document by openapi-typescript-codegen. Every answer the
// client receives is also checked against the document by validate-responses.js, as a strict
// client would; the program prints "N of M answers match the document" and exits 1 on the first
// request that does not do what the README says.
//
// Environment: AISIM_BASE (http://127.0.0.1:PORT), AISIM_TOKEN (an admin token),
// AISIM_DOCUMENT (the served document), AISIM_RESPONSE_VALIDATOR (validate-responses.js).
import {
    ApiError,
    DocsService,
    MachinesService,
    MonitoringService,
    OpenAPI,
    SimulationsService,
    TokensService,
} from './generated';
import type { Simulation, SimulationDetail } from './generated';

declare const process: { env: Record<string, string | undefined>; exitCode?: number };
declare function require(name: string): any;

type Verdict = { ok: boolean; errors: string[]; operation: string | null };

const validator = require(process.env.AISIM_RESPONSE_VALIDATOR as string).load(
    process.env.AISIM_DOCUMENT as string);
const checked: string[] = [];
const mismatches: string[] = [];

// Every answer passes through here on its way to the generated client.
const networkFetch = globalThis.fetch;
globalThis.fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await networkFetch(input, init);
    const url = new URL(response.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
        headers[name] = value;
    });
    const verdict: Verdict = validator.check({
        method,
        path: url.pathname + url.search,
        status: response.status,
        headers,
        body: await response.clone().text(),
    });
    const label = `${method} ${url.pathname}${url.search} ${response.status}`;
    checked.push(label);
    if (!verdict.ok)
        mismatches.push(`${label}: ${verdict.errors.join('; ')}`);
    return response;
};

function expect(condition: boolean, what: string): void {
    if (!condition)
        throw new Error(`expected ${what}`);
}

async function expectError(promise: Promise<unknown>, status: number, what: string) {
    try {
        await promise;
    } catch (error) {
        expect(error instanceof ApiError && error.status === status, `${status} for ${what}`);
        return;
    }
    throw new Error(`expected ${status} for ${what}, not a success`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readmeRequests(): Promise<void> {
    // POST /simulation with the README's body.
    const created = await SimulationsService.createSimulation({
        requestBody: {
            simulation_id: 1,
            name: 'Sample Simulation',
            machine_id: 101,
            status: 'pending',
            creation_date: '2024-03-05T14:30:00',
            update_date: '2024-03-05T15:00:00',
            machine: { machine_id: 101, name: 'Machine A' },
        },
    });
    expect(created.id === 1 && created.status === 'pending', '{"id": 1, "status": "pending"}');

    // GET /simulation/1 until the run has ended (about ten seconds).
    let run: Simulation | SimulationDetail = await SimulationsService.getSimulation({
        simulationId: 1,
    });
    for (let i = 0; i < 120 && run.status !== 'finished'; ++i) {
        await sleep(250);
        run = await SimulationsService.getSimulation({ simulationId: 1 });
    }
    expect(run.status === 'finished' && run.name === 'Sample Simulation', 'a finished run');
    expect(!('progress' in run), 'the plain shape without ?detail=true');

    const runs = await SimulationsService.listSimulations({ orderBy: 'update_date' });
    expect(runs.length === 1 && runs[0].simulation_id === 1, 'one run in GET /simulations');

    const convergence = await SimulationsService.getConvergence({ simulationId: 1 });
    const losses = convergence.data.map((point) => point.loss).join(',');
    expect(losses === '0.042,0.033,0.029,0.027,0.025,0.024,0.023,0.023,0.022,0.022',
           `the README's ten points, not ${losses}`);

    const machines = await MachinesService.listMachines();
    expect(machines.length === 1 && machines[0].name === 'Machine A', 'Machine A');
}

async function everyOtherOperation(): Promise<void> {
    const detail = await SimulationsService.getSimulation({ simulationId: 1, detail: true });
    expect('progress' in detail && detail.progress === 1, 'the detail shape with ?detail=true');
    const alias = await SimulationsService.getSimulationAlias({ simulationId: 1 });
    expect(alias.simulation_id === 1, 'the same run under /simulations/1');
    const page = await SimulationsService.listSimulations({ limit: 1, offset: 0 });
    expect(page.length === 1, 'a page of one');

    const machine = await MachinesService.createMachine({ requestBody: { name: 'Machine B' } });
    const renamed = await MachinesService.renameMachine({
        machineId: machine.machine_id,
        requestBody: { name: 'Machine C' },
    });
    expect(renamed.name === 'Machine C', 'the renamed machine');
    expect((await MachinesService.getMachine({ machineId: machine.machine_id })).name
               === 'Machine C', 'the machine by id');

    const slow = await SimulationsService.createSimulation({
        requestBody: { name: 'slow', machine_id: machine.machine_id, parameters: { pace_ms: 60000 } },
    });
    const cancelled = await SimulationsService.cancelSimulation({ simulationId: slow.id });
    expect(cancelled.status === 'cancelled', 'a cancelled run');
    const retried = await SimulationsService.retrySimulation({ simulationId: slow.id });
    expect(retried.status === 'pending' || retried.status === 'running', 'a queued run');
    await SimulationsService.cancelSimulation({ simulationId: slow.id });
    await SimulationsService.deleteSimulationAlias({ simulationId: slow.id });
    const other = await SimulationsService.createSimulation({
        requestBody: { name: 'other', machine_id: machine.machine_id, parameters: { pace_ms: 60000 } },
    });
    await SimulationsService.cancelSimulation({ simulationId: other.id });
    await SimulationsService.deleteSimulation({ simulationId: other.id });
    await MachinesService.deleteMachine({ machineId: machine.machine_id });

    await expectError(SimulationsService.getSimulation({ simulationId: 999 }), 404, 'no such run');
    await expectError(SimulationsService.createSimulation({
        requestBody: { simulation_id: 1, name: 'again', machine_id: 101 },
    }), 409, 'a taken id');
    await expectError(SimulationsService.createSimulation({ requestBody: { name: '' } }), 422,
                      'an empty name');

    const token = await TokensService.createToken({ requestBody: { name: 'ci', scope: 'read' } });
    expect(token.token.length > 0 && token.scope === 'read', 'a new token with its secret');
    expect((await TokensService.listTokens()).length === 2, 'two tokens');
    expect((await TokensService.revokeToken({ name: 'ci' })).revoked_at !== null, 'revoked');

    expect((await MonitoringService.getHealth()).status === 'ok', 'alive');
    expect((await MonitoringService.getReadiness()).status === 'ready', 'ready');
    expect((await MonitoringService.getMetrics()).includes('aisim_'), 'metrics');
    expect((await DocsService.getOpenApi()).openapi === '3.0.3', 'the document');
    expect((await DocsService.getDocs()).includes('swagger-ui'), 'the docs page');
}

async function main(): Promise<void> {
    OpenAPI.BASE = process.env.AISIM_BASE as string;
    OpenAPI.TOKEN = process.env.AISIM_TOKEN;
    try {
        await readmeRequests();
        await everyOtherOperation();
    } catch (error) {
        const where = error instanceof ApiError
            ? ` (${error.request.method} ${error.url}: ${error.status} ${JSON.stringify(error.body)})`
            : '';
        console.log(`failed: ${error instanceof Error ? error.message : error}${where}`);
        process.exitCode = 1;
    }
    for (const mismatch of mismatches)
        console.log(`mismatch: ${mismatch}`);
    console.log(`${checked.length - mismatches.length} of ${checked.length} answers match the `
        + 'document');
    if (mismatches.length > 0)
        process.exitCode = 1;
}

main();
