import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ConnectionOptions } from 'node:tls';

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgresql'; url: string; ssl: PostgresTls };

/** How the connection to PostgreSQL is encrypted, from the URL's libpq-style `sslmode`. */
export type PostgresTls = false | ConnectionOptions;

export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;

export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError';
}

/**
 * `sslmode` as libpq reads it, for the node-postgres driver, which cannot fall back from TLS to
 * plain text: `disable`, `allow` and `prefer` connect without TLS; `require` encrypts without
 * checking the certificate; `verify-ca` checks it against `sslrootcert` (or the system CAs);
 * `verify-full` checks the host name too. Without `sslmode`, no TLS.
 */
function tlsFor(params: URLSearchParams): PostgresTls {
  const mode = params.get('sslmode') ?? 'disable';
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new DatabaseUrlError(`DATABASE_URL sslmode must be one of ${SSL_MODES.join(', ')}, got "${mode}"`);
  }
  if (mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  const rootCert = params.get('sslrootcert');
  let ca: string | undefined;
  if (rootCert) {
    try {
      ca = readFileSync(rootCert, 'utf8');
    } catch (error) {
      throw new DatabaseUrlError(`DATABASE_URL sslrootcert ${rootCert} cannot be read: ${(error as Error).message}`);
    }
  }
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}), ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}) };
}

/**
 * `sqlite:<path>` (relative to the working directory or absolute), `sqlite::memory:`, or
 * `postgres://user:password@host:port/database?sslmode=…` (`postgresql://` too). A `sqlite:`
 * without a path gives an empty `file`, which config validation refuses.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new DatabaseUrlError('DATABASE_URL is not a valid postgres:// URL');
    }
    if (parsed.pathname.length <= 1) throw new DatabaseUrlError('DATABASE_URL postgres:// needs a database name (postgres://user@host:5432/hangar)');
    return { kind: 'postgresql', url, ssl: tlsFor(parsed.searchParams) };
  }
  if (!url.startsWith('sqlite:')) throw new DatabaseUrlError(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
  let path = url.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === ':memory:') return { kind: 'sqlite', file: ':memory:' };
  if (path === '') return { kind: 'sqlite', file: '' };
  return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
}

/** The URL with its password masked, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '*****';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:*****@');
  }
}

/** Where the database is, for messages: a file path or a redacted URL. */
export function describeDatabase(target: DatabaseTarget): string {
  return target.kind === 'sqlite' ? (target.file === ':memory:' ? 'sqlite::memory:' : target.file) : redactDatabaseUrl(target.url);
}
