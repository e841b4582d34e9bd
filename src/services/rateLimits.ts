import { createHash, randomBytes } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import { RateLimitBucket } from '../entities';
import type { Statement } from '../db/statements';
import type { ServiceContext } from './serviceContext';

// Sliding-window attempt logs in the database, so every instance shares them. A key's row holds
// the times of its last `limit` counted attempts, oldest first, each a fixed-width entry: 13 digits
// of epoch milliseconds (lexical order is time order) and 6 hex digits that tell concurrent
// attempts apart. An attempt counts when fewer than `limit` counted attempts fall in the last
// window, so no span of RATE_LIMIT_WINDOW seconds ever holds more than `limit`, whatever the
// timing; fixed windows allowed twice that across a boundary.

const TIME_DIGITS = 13;
const ENTRY = TIME_DIGITS + 6;

export interface Attempt {
  /** Whether the attempt fits the limit; it is counted only then. */
  allowed: boolean;
  /** When refused: seconds until the oldest counted attempt leaves the window. */
  retryAfterSeconds: number;
  /** The attempt's own entry in the log. */
  entry: string;
}

/**
 * The key as stored: a SHA-256 digest. Keys embed client-supplied text (login identifiers,
 * forwarded addresses) of any length and content, including NULs, which the SQLite driver cannot
 * pass through; a digest has a fixed length and keeps no login name at rest.
 */
const stored = (key: string) => createHash('sha256').update(key).digest('hex');

const timeText = (ms: number) => String(Math.max(0, Math.floor(ms))).padStart(TIME_DIGITS, '0');

/**
 * Counts an attempt: inserts the key's log, or on conflict appends the entry to it, returning the
 * log. One statement, so concurrent requests on any instance each see the others and a burst
 * cannot slip under the limit. A full log (p3 characters) whose oldest entry is still in the
 * window (newer than p4) refuses the attempt and stays as it is; otherwise the oldest entry, when
 * the log is full, makes way for this one (the newest p5 characters are kept).
 */
const RECORD_ATTEMPT: Statement = {
  name: 'hangar_record_attempt',
  sql: (p) => {
    const log = 'rate_limit_buckets.attempts';
    return `insert into rate_limit_buckets ("key", attempts) values (${p(1)}, ${p(2)}) on conflict ("key") do update set attempts =
      case when length(${log}) < ${p(3)} then ${log} || ${p(2)}
        when substr(${log}, length(${log}) - ${p(3)} + 1, ${TIME_DIGITS}) <= ${p(4)} then substr(${log}, length(${log}) - ${p(5)} + 1) || ${p(2)}
        else ${log} end
      returning attempts`;
  },
};
const FORGET_ATTEMPT: Statement = {
  name: 'hangar_forget_attempt',
  sql: (p) => `update rate_limit_buckets set attempts = replace(attempts, ${p(2)}, '') where "key" = ${p(1)}`,
};
const RESET_COUNT: Statement = {
  name: 'hangar_reset_count',
  sql: (p) => `delete from rate_limit_buckets where "key" = ${p(1)}`,
};

/** Counts an attempt against `limit` per window (RECORD_ATTEMPT). */
export async function recordAttempt(ctx: ServiceContext, rawKey: string, limit: number): Promise<Attempt> {
  const now = ctx.clock();
  const windowMs = ctx.config.rateLimitWindowSeconds * 1000;
  const entry = timeText(now) + randomBytes(3).toString('hex');
  const cutoff = timeText(now - windowMs);
  const full = limit * ENTRY;
  const [row] = (await ctx.statements(RECORD_ATTEMPT, [stored(rawKey), entry, full, cutoff, full - ENTRY])) as { attempts: string }[];
  if (!row) throw new Error('rate limit upsert returned no row');
  const allowed = row.attempts.endsWith(entry);
  // Refused: the log is full, and its `limit`-th newest entry is what has to leave the window.
  const start = Math.max(0, row.attempts.length - full);
  const oldest = Number(row.attempts.slice(start, start + TIME_DIGITS));
  return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((oldest + windowMs - now) / 1000)), entry };
}

/**
 * Whether an attempt on each key would be refused now, without counting one: each key's seconds
 * until it would be allowed (0 when it would), and whether the key has a log at all. One read, no
 * write; for attempts that cannot be guesses (see authenticatePassword's cache hit).
 */
export async function currentLockouts(
  ctx: ServiceContext,
  keys: [{ key: string; limit: number }, { key: string; limit: number }],
): Promise<{ retryAfterSeconds: number; logged: boolean }[]> {
  const digests = keys.map(({ key }) => stored(key)) as [string, string];
  const rows = await ctx.hotReads.attemptLogs(digests);
  const now = ctx.clock();
  const windowMs = ctx.config.rateLimitWindowSeconds * 1000;
  return keys.map(({ limit }, index) => {
    const attempts = rows.find((row) => row.key === digests[index])?.attempts;
    if (attempts === undefined) return { retryAfterSeconds: 0, logged: false };
    // The same test as recordAttempt's statement: refused when the log is full and its oldest
    // counted entry is still in the window.
    const full = limit * ENTRY;
    const start = attempts.length - full;
    const oldest = attempts.slice(start, start + TIME_DIGITS);
    const refused = start >= 0 && oldest > timeText(now - windowMs);
    return { retryAfterSeconds: refused ? Math.max(1, Math.ceil((Number(oldest) + windowMs - now) / 1000)) : 0, logged: true };
  });
}

/** Takes an attempt back out of the key's log (one that turned out not to count). */
export async function forgetAttempt(ctx: ServiceContext, rawKey: string, attempt: Attempt): Promise<void> {
  if (!attempt.allowed) return;
  await ctx.statements(FORGET_ATTEMPT, [stored(rawKey), attempt.entry]);
}

/** Forgets the key's attempts. */
export async function resetCount(ctx: ServiceContext, key: string): Promise<void> {
  await ctx.statements(RESET_COUNT, [stored(key)]);
}

/**
 * Deletes the logs whose newest attempt has left the window (or that are empty): they can no
 * longer refuse anything, and a new attempt starts them afresh. Returns how many.
 */
export async function purgeStaleAttempts(ctx: ServiceContext): Promise<number> {
  const cutoff = timeText(ctx.clock() - ctx.config.rateLimitWindowSeconds * 1000);
  const result = await ctx.em
    .createQueryBuilder(RateLimitBucket)
    .delete()
    .where(raw(`length(attempts) < ? or substr(attempts, length(attempts) - ? + 1, ${TIME_DIGITS}) < ?`, [ENTRY, ENTRY, cutoff]))
    .execute('run');
  return result.affectedRows;
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * The address a client is throttled under. IPv4 addresses count one by one; an IPv6 address counts
 * by its /64, since one subscriber usually holds a whole /64 and could otherwise rotate through it.
 * Anything that is not an IPv6 address is used as it is.
 */
export function throttledAddress(ip: string): string {
  const mapped = IPV4_MAPPED.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const bare = ip.split('%')[0]!;
  const halves = bare.split('::');
  if (halves.length > 2) return ip;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  // An embedded IPv4 tail (::ffff:1.2.3.4 aside) sits in the last 32 bits, outside the /64.
  if (tail.at(-1)?.includes('.')) tail.splice(-1, 1, '0', '0');
  else if (head.at(-1)?.includes('.')) head.splice(-1, 1, '0', '0');
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return ip;
  const full = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!full.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return ip;
  return `${full
    .slice(0, 4)
    .map((group) => parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
