import type { Logger } from 'pino';
import { isDatabaseUnavailable } from './db/unavailable';

// A request that failed because the database is unreachable or did not answer in time gets 503
// with Retry-After in its face's shape, and one line in the server log instead of a stack trace.
// GraphQL's masking (src/graphql/server.ts) and the app's error handler (src/app.ts) use these.

export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** GraphQL wraps a resolver's error in `originalError`; the database's error may sit under it. */
export function isDatabaseOutage(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    if (isDatabaseUnavailable(current)) return true;
    current = (current as { originalError?: unknown }).originalError;
  }
  return false;
}

/**
 * The driver's words, enough to tell a refused connection from a timeout. Knex puts the statement,
 * with its bound values, before them ("select … - Query read timeout"); those stay out of the log.
 */
function reason(error: unknown): string {
  let current = error as { originalError?: unknown; message?: unknown; code?: unknown } | undefined;
  while (current && typeof current === 'object' && current.originalError) current = current.originalError as typeof current;
  const message = typeof current?.message === 'string' ? current.message : String(current);
  const cut = message.lastIndexOf(' - ');
  const words = (cut < 0 ? message : message.slice(cut + 3)).split('\n')[0]!.trim();
  return typeof current?.code === 'string' ? `${words} (${current.code})` : words;
}

export function logDatabaseOutage(logger: Logger, where: string, error: unknown, requestId?: string): void {
  logger.error({ type: 'outage', requestId }, `Database unavailable, answered 503 (${where}): ${reason(error)}`);
}
