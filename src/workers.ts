import cluster, { type Worker } from 'node:cluster';
import { loadTokenKeys } from './services/tokenKeys';
import { systemClock } from './clock';
import type { Config } from './config';
import { seedDemoData } from './db/demoData';
import { initORM } from './db/orm';
import { serveClusterMetrics } from './observability/clusterMetrics';
import { createLogger } from './observability/logger';
import type { RunningServer, StartOptions } from './server';

// A worker that dies before it has served this long counts toward the crash-loop guard.
const QUICK_DEATH_MS = 10_000;
const MAX_QUICK_DEATHS_IN_A_ROW = 5;
// Each worker forces its own exit after 10 s; this is the primary's bound on top of that.
const DRAIN_TIMEOUT_MS = 15_000;

interface ReadyMessage {
  hangar: 'ready';
  url: string;
}

const isReadyMessage = (message: unknown): message is ReadyMessage =>
  typeof message === 'object' && message !== null && (message as ReadyMessage).hangar === 'ready';

/**
 * How a worker starts: the primary has already migrated and seeded. Every log line carries the
 * worker's pid (pino's `pid`), so an operator can tell which process handled a request.
 */
export function workerStartOptions(): StartOptions {
  return { migrate: false, seed: false, clusterWorker: true };
}

/** In a worker: tells the primary that this worker listens. */
export function reportReady(running: RunningServer): void {
  process.send?.({ hangar: 'ready', url: running.url } satisfies ReadyMessage);
}

/** Migrations (per config), the signing secret and the demo data, once, before any worker starts. */
async function prepareDatabase(config: Config): Promise<void> {
  const orm = await initORM(config);
  try {
    const em = orm.em.fork();
    await loadTokenKeys(em, config, systemClock);
    if (config.seedDemo) await seedDemoData(em, systemClock);
  } finally {
    await orm.close();
  }
}

/**
 * The cluster primary: prepares the database, forks config.webConcurrency workers that share the
 * port, replaces workers that die, and on SIGTERM or SIGINT drains them all and exits.
 */
export async function superviseWorkers(config: Config): Promise<void> {
  const logger = createLogger(config);
  await prepareDatabase(config);
  serveClusterMetrics();

  const live = new Set<Worker>();
  const readyAt = new Map<Worker, number>();
  let announced = false;
  let quickDeaths = 0;
  let stopping = false;
  let exitCode = 0;

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    logger.info(`Worker ${worker.process.pid} starting`);
  };

  const stop = (why: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    logger.info(`${why}; stopping ${live.size} worker(s)`);
    if (live.size === 0) process.exit(exitCode);
    for (const worker of live) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error(`Workers took longer than ${DRAIN_TIMEOUT_MS / 1000} s to stop; killing them`);
      for (const worker of live) worker.process.kill('SIGKILL');
      process.exit(1);
    }, DRAIN_TIMEOUT_MS).unref();
  };

  cluster.on('message', (worker, message) => {
    if (!isReadyMessage(message) || stopping) return;
    readyAt.set(worker, Date.now());
    logger.info(`Worker ${worker.process.pid} ready`);
    if (!announced && readyAt.size === config.webConcurrency) {
      announced = true;
      logger.info(
        `Hangar listening on ${message.url} (GraphQL and GraphiQL at ${message.url}/graphql; ${config.webConcurrency} workers, primary pid ${process.pid})`,
      );
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    const served = readyAt.has(worker) ? Date.now() - readyAt.get(worker)! : 0;
    readyAt.delete(worker);
    const how = `Worker ${worker.process.pid} ${signal ? `killed by ${signal}` : `exited with code ${code}`}`;
    if (stopping) {
      logger.info(how);
      // A worker killed by the signal before it set up its own handlers was not serving anyway.
      if (code !== 0 && signal !== 'SIGTERM') exitCode = 1;
      if (live.size === 0) process.exit(exitCode);
      return;
    }
    if (!announced) {
      // As gunicorn does when a worker fails to boot: the next one would most likely fail the same way.
      stop(`${how} before every worker listened`, 1);
      return;
    }
    quickDeaths = served < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
    if (quickDeaths >= MAX_QUICK_DEATHS_IN_A_ROW) {
      stop(`${how}; ${quickDeaths} workers in a row died within ${QUICK_DEATH_MS / 1000} s of starting, giving up`, 1);
      return;
    }
    logger.info(`${how}; starting a replacement`);
    fork();
  });

  process.on('SIGTERM', () => stop('SIGTERM received', 0));
  process.on('SIGINT', () => stop('SIGINT received', 0));
  for (let i = 0; i < config.webConcurrency; i += 1) fork();
}
