import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config';
import { DatabaseStartupError } from './db/orm';
import { ListenError } from './listenError';
import { startServer, type RunningServer } from './server';
import { reportReady, superviseWorkers, workerStartOptions } from './workers';

/** `prefix` names the process in its log lines when it is one of several workers. */
function closeOnSignals(running: RunningServer, prefix = ''): void {
  const { logger } = running.runtime;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${prefix}${signal} received, finishing open requests`);
    const force = setTimeout(() => {
      logger.error(`${prefix}Shutdown took longer than 10 s; exiting`);
      process.exit(1);
    }, 10_000);
    force.unref();
    // close() flushes the log; process.exit() writes out anything logged after that.
    running.close().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, `${prefix}Shutdown failed`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isPrimary && config.webConcurrency > 1) return superviseWorkers(config);
  if (cluster.isWorker) {
    const running = await startServer(config, workerStartOptions());
    closeOnSignals(running, `Worker ${process.pid}: `);
    reportReady(running);
    return;
  }
  const running = await startServer(config);
  closeOnSignals(running);
  running.runtime.logger.info(`Hangar listening on ${running.url} (GraphQL and GraphiQL at ${running.url}/graphql)`);
}

main().catch((error) => {
  console.error(error instanceof ConfigError || error instanceof DatabaseStartupError || error instanceof ListenError ? error.message : error);
  process.exit(1);
});
