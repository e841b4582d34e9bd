// Errors that mean "the database cannot be reached or did not answer in time", as opposed to a
// query that failed on its own merits. Requests that hit one get 503, and the pool reconnects by
// itself once the database is back.

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (the server is shutting down
// or starting), 57014 (statement timeout); SQLite's lock wait running out.
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '57014', 'SQLITE_BUSY']);

const MESSAGES = [
  /Connection terminated/i,
  /Query read timeout/i,
  /timeout exceeded when trying to connect/i,
  // node-postgres's own connectionTimeoutMillis running out.
  /\btimeout expired$/i,
  /Timeout acquiring a connection/i,
  /Client has encountered a connection error/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    const { code, name, message, cause } = current as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || code.startsWith('08'))) return true;
    if (name === 'KnexTimeoutError') return true;
    if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = cause;
  }
  return false;
}
