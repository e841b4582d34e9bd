import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createRequestListener } from './app';
import { setHashConcurrency, warmPasswordHasher } from './auth/passwords';
import { loadTokenKeys } from './services/tokenKeys';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import type { AppRuntime } from './context';
import { seedDemoData } from './db/demoData';
import { createLiveUserLookup } from './db/liveUser';
import { initORM, type OrmOptions } from './db/orm';
import { RequestTracker } from './requestTracker';
import { jsonLineAuditLog, type AuditLog } from './services/authEvents';

export interface StartOptions extends OrmOptions {
  clock?: Clock;
  /** Where auth events go; JSON lines on stdout by default. */
  audit?: AuditLog;
  /** Seed the demo data into an empty database; defaults to config.seedDemo. */
  seed?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  runtime: AppRuntime;
  server: Server;
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
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large'] : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout'] : [400, 'Bad Request'];
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
  const orm = await initORM(config, options);
  try {
    const em = orm.em.fork();
    const tokenKeys = await loadTokenKeys(em, config, clock);
    if (options.seed ?? config.seedDemo) await seedDemoData(em, clock);
    await warmPasswordHasher();
    const audit = options.audit ?? jsonLineAuditLog(clock);
    const liveUsers = createLiveUserLookup(orm, config.databaseUrl);
    const runtime: AppRuntime = { orm, config, clock, tokenKeys, liveUsers, requests: new RequestTracker(), audit };
    const server = createServer(createRequestListener(runtime));
    server.listen(config.port, config.host);
    server.on('clientError', answerUnparsableRequest);
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
      port,
      runtime,
      server,
      close: () =>
        (closing ??= (async () => {
          server.closeIdleConnections();
          await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
          // A client may hang up while its handler still awaits the database.
          await runtime.requests.idle();
          await liveUsers.close();
          await orm.close();
        })()),
    };
  } catch (error) {
    await orm.close();
    throw error;
  }
}
