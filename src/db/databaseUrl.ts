import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgresql'; url: string };

/**
 * `sqlite:<path>` (relative to the working directory or absolute), `sqlite::memory:`, or
 * `postgres://…`. A `sqlite:` without a path gives an empty `file`, which config validation refuses.
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgresql', url };
  if (!url.startsWith('sqlite:')) throw new Error(`Unsupported DATABASE_URL: ${url}`);
  let path = url.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === ':memory:') return { kind: 'sqlite', file: ':memory:' };
  if (path === '') return { kind: 'sqlite', file: '' };
  return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
}
