import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createRequestListener } from './app';
import { setHashConcurrency, setHashNice, warmPasswordHasher } from './auth/passwords';
import { clusterMetricsSource } from './observability/clusterMetrics';
import { createLogger, flushLogger, type DestinationStream } from './observability/logger';
import { Metrics } from './observability/metrics';
import { metricsHandler, metricsListener } from './observability/metricsEndpoint';
import { requestObserver } from './observability/requestLog';
import { loadTokenKeys } from './services/tokenKeys';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import type { AppRuntime } from './context';
import { hashDemoPasswordsEarly, seedDemoData } from './db/demoData';
import { createHotReads } from './db/hotReads';
import { poolStatements } from './db/statements';
import { initORM, type OrmOptions } from './db/orm';
import { listenError } from './listenError';
import { RequestTracker } from './requestTracker';
import type { AuditLog } from './services/authEvents';

export interface StartOptions extends OrmOptions {
  clock?: Clock;
  /** Also handed every auth event, besides the log (tests collect them). */
  audit?: AuditLog;
  /** Where log lines go instead of stdout (tests read them). */
  logDestination?: DestinationStream;
  /** A cluster worker: /metrics answers with every worker's metrics, collected by the primary. */
  clusterWorker?: boolean;
  /** Seed the demo data into an empty database; defaults to config.seedDemo. */
  seed?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  runtime: AppRuntime;
  server: Server;
  /** The METRICS_PORT listener's URL, when there is one. */
  metricsUrl: string | null;
  close(): Promise<void>;
}

/**
 * Node's HTTP parser refuses some requests before any app code runs (a head over 16 KiB, bytes
 * that are not HTTP) and by default answers with a bare status line. Clients get JSON like
 * everywhere else.
 */
function answerUnparsableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout']
        : [400, 'Bad Request'];
  // The request was never parsed, so its dialect is unknown: the body reads as an error in all of them.
  const body = JSON.stringify({ error: reason, errors: [{ message: reason }] });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Opens the database, seeds demo data when asked, and listens. The caller owns shutdown. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  setHashConcurrency(config.argon2Concurrency);
  const releaseArgon2 = setHashNice(config.argon2Nice);
  warmPasswordHasher();
  // argon2 runs beside the main thread, so the demo users' hashes are computed while the database opens.
  const seed = options.seed ?? config.seedDemo;
  const demoHashes = seed ? hashDemoPasswordsEarly(config.databaseUrl) : undefined;
  // Awaited below; this keeps an early failure from going unhandled.
  demoHashes?.catch(() => undefined);
  const orm = await initORM(config, options).catch(async (error: unknown) => {
    await releaseArgon2();
    throw error;
  });
  try {
    const em = orm.em.fork();
    const tokenKeys = await loadTokenKeys(em, config, clock);
    if (seed) await seedDemoData(em, clock, demoHashes);
    const logger = createLogger(config, options.logDestination);
    const metrics = new Metrics(orm);
    if (options.clusterWorker) metrics.scrape = clusterMetricsSource(metrics.registry);
    const hotReads = createHotReads(orm, config.databaseUrl);
    const statements = poolStatements(orm, config.databaseUrl);
    const runtime: AppRuntime = { orm, config, clock, tokenKeys, hotReads, statements, requests: new RequestTracker(), logger, metrics, audit: options.audit };
    const handle = createRequestListener(runtime);
    const observe = requestObserver(logger, metrics);
    const server = createServer((req, res) => {
      observe(req, res);
      handle(req, res);
    });
    server.listen(config.port, config.host);
    server.on('clientError', answerUnparsableRequest);
    await once(server, 'listening').catch((error: NodeJS.ErrnoException) => {
      throw listenError(error, config);
    });
    const { port } = server.address() as AddressInfo;
    const urlOf = (address: string, at: number) => {
      const host = address.includes(':') ? `[${address}]` : address;
      return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${at}`;
    };
    let metricsServer: Server | null = null;
    if (config.metricsPort !== null) {
      metricsServer = createServer(metricsListener(metricsHandler(metrics, config.metricsToken, logger)));
      metricsServer.listen(config.metricsPort, config.metricsHost);
      try {
        await once(metricsServer, 'listening');
      } catch (error) {
        server.close();
        throw error;
      }
    }
    const closeServer = (s: Server) => new Promise<void>((resolve, reject) => s.close((err) => (err ? reject(err) : resolve())));
    let closing: Promise<void> | undefined;
    return {
      url: urlOf(config.host, port),
      port,
      runtime,
      server,
      metricsUrl: metricsServer ? urlOf(config.metricsHost, (metricsServer.address() as AddressInfo).port) : null,
      close: () =>
        (closing ??= (async () => {
          server.closeIdleConnections();
          metricsServer?.closeIdleConnections();
          await Promise.all([closeServer(server), metricsServer && closeServer(metricsServer)]);
          // A client may hang up while its handler still awaits the database.
          await runtime.requests.idle();
          await hotReads.close();
          await orm.close();
          await releaseArgon2();
          metrics.close();
          await flushLogger(logger);
        })()),
    };
  } catch (error) {
    await orm.close();
    await releaseArgon2();
    throw error;
  }
}
