import { isAbsolute, resolve } from 'node:path';

export type DatabaseTarget =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgresql'; url: string };

/** `sqlite:<path>` (relative to the working directory or absolute), `sqlite::memory:`, or `postgres://…`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { kind: 'postgresql', url };
  if (!url.startsWith('sqlite:')) throw new Error(`Unsupported DATABASE_URL: ${url}`);
  let path = url.slice('sqlite:'.length);
  if (path.startsWith('//')) path = path.slice(2);
  if (path === ':memory:') return { kind: 'sqlite', file: ':memory:' };
  if (path === '') throw new Error('DATABASE_URL sqlite: needs a file path');
  return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(path) };
}
