import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type pinoPretty from 'pino-pretty';
import type { Config } from '../config';
import { REDACT_PATHS, REDACTED, safeError } from './redaction';

export type { DestinationStream, Logger } from 'pino';

let stdout: (DestinationStream & { flushSync(): void }) | undefined;

/**
 * One asynchronous stdout writer (sonic-boom) per process, shared by every logger in it: a line
 * is buffered and written in the background, so a request never waits on a full pipe. Whatever is
 * still buffered is written out synchronously when the process exits, `process.exit()` included.
 */
function stdoutDestination(): DestinationStream {
  if (!stdout) {
    const destination = pino.destination({ dest: 1, sync: false, minLength: 0 });
    stdout = destination;
    process.on('exit', () => {
      try {
        destination.flushSync();
      } catch {
        // stdout is gone (a closed pipe): nothing left to write to.
      }
    });
  }
  return stdout;
}

/** pino-pretty, loaded only when asked for: it costs start-up time a production process need not pay. */
function prettyDestination(): DestinationStream {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof pinoPretty;
  return pretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname' });
}

/**
 * The process's logger: JSON lines on stdout (or pino-pretty with LOG_FORMAT=pretty), level from
 * LOG_LEVEL, secrets redacted, errors through `safeError`. `destination` replaces stdout (tests).
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  const target = destination ?? (config.logFormat === 'pretty' ? prettyDestination() : stdoutDestination());
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      // Errors are logged under `err`, through safeError rather than pino's serializer, which
      // would copy every field of the error.
      serializers: { err: safeError },
    },
    target,
  );
}

/** Writes out whatever the logger still buffers. */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => logger.flush(() => resolve()));
}
