// What may reach a log line. Request logs carry only fields built here (no headers, no bodies),
// so the redaction paths below are a second line of defence for anything logged by hand.

const SECRET_KEYS = [
  'password',
  'newPassword',
  'currentPassword',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'authorization',
  'cookie',
  'set-cookie',
  'secret',
];

const key = (name: string) => (/^\w+$/.test(name) ? name : `["${name}"]`);
const under = (parent: string, name: string) => (/^\w+$/.test(name) ? `${parent}.${name}` : `${parent}["${name}"]`);

/**
 * pino's `redact.paths`: a secret's key at the top level, in a `body`, and headers in header
 * objects. Explicit paths only: a wildcard (`*.password`) costs pino ~20 µs on every line.
 */
export const REDACT_PATHS = [
  ...SECRET_KEYS.map(key),
  ...SECRET_KEYS.map((name) => under('body', name)),
  ...['headers', 'req.headers', 'res.headers'].flatMap((parent) => ['authorization', 'cookie', 'set-cookie'].map((name) => under(parent, name))),
];

export const REDACTED = '[Redacted]';

const MAX_MESSAGE_CHARS = 500;
const MAX_STACK_FRAMES = 30;

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  stack?: unknown;
  sql?: unknown;
  params?: unknown;
  sqlState?: unknown;
  originalError?: unknown;
}

/**
 * A database driver's error, or one wrapping it (GraphQL copies the message of the error it wraps):
 * its message starts with the statement, bound values inlined.
 */
function fromDriver(error: ErrorLike): boolean {
  for (let current: unknown = error, depth = 0; current && typeof current === 'object' && depth < 5; depth += 1) {
    const e = current as ErrorLike;
    if ('sql' in e || 'sqlState' in e || 'params' in e || /Exception$/.test(String(e.name))) return true;
    current = e.originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The first line of a message; for a driver error only the driver's words after the statement
 * (knex writes "insert into … values (…) - UNIQUE constraint failed: user.username").
 */
function safeMessage(error: ErrorLike): string {
  const message = typeof error.message === 'string' ? error.message : String(error.message ?? '');
  let line = message.split('\n')[0]!;
  if (fromDriver(error)) {
    const cut = line.lastIndexOf(' - ');
    line = cut < 0 ? '(driver message withheld)' : line.slice(cut + 3);
  }
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS)}…` : line;
}

export interface SafeError {
  type: string;
  message: string;
  code?: string;
  stack?: string;
  cause?: SafeError;
}

/**
 * pino's `err` serializer: an error's type, code, first message line and stack frames, never its
 * other fields (a driver error's `sql` and `params` hold bound values: a password hash, a jti) nor
 * the message text a stack repeats.
 */
export function safeError(value: unknown, depth = 0): SafeError {
  if (!value || typeof value !== 'object') return { type: typeof value, message: String(value).slice(0, MAX_MESSAGE_CHARS) };
  const error = value as ErrorLike;
  const type = typeof error.name === 'string' ? error.name : 'Error';
  const message = safeMessage(error);
  const frames =
    typeof error.stack === 'string'
      ? error.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .slice(0, MAX_STACK_FRAMES)
      : [];
  const safe: SafeError = { type, message };
  if (typeof error.code === 'string' && /^[\w.-]{1,64}$/.test(error.code)) safe.code = error.code;
  if (frames.length > 0) safe.stack = [`${type}: ${message}`, ...frames].join('\n');
  const cause = error.originalError ?? (value as { cause?: unknown }).cause;
  if (cause && typeof cause === 'object' && depth < 3) safe.cause = safeError(cause, depth + 1);
  return safe;
}
