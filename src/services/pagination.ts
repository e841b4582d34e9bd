import { ValidationError } from './errors';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Keyset pagination over ascending integer ids; cursors are opaque to clients. */
export function readPageArgs(args: PageArgs): { limit: number; afterId: number } {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError({ first: [`Must be between 1 and ${MAX_PAGE_SIZE}.`] });
  }
  if (args.after == null) return { limit, afterId: 0 };
  const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
  const match = /^id:(\d{1,15})$/.exec(decoded);
  if (!match) throw new ValidationError({ after: ['Not a valid cursor.'] });
  return { limit, afterId: Number(match[1]) };
}

export function toPage<T extends { id: number }>(rows: T[], limit: number, totalCount: number): Page<T> {
  const nodes = rows.slice(0, limit);
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount,
    hasNextPage: rows.length > limit,
    endCursor: last ? Buffer.from(`id:${last.id}`).toString('base64url') : null,
  };
}
