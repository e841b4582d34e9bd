import { createHash } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import { RateLimitBucket } from '../entities';
import type { ServiceContext } from './serviceContext';

// Fixed-window counters in the database, so every instance shares them.

export interface WindowCount {
  count: number;
  /** Seconds until the window ends and the count starts over. */
  retryAfterSeconds: number;
}

/**
 * The key as stored: a SHA-256 digest. Keys embed client-supplied text (login identifiers,
 * forwarded addresses) of any length and content, including NULs, which the SQLite driver cannot
 * pass through; a digest has a fixed length and keeps no login name at rest.
 */
const stored = (key: string) => createHash('sha256').update(key).digest('hex');

function windowFor(ctx: ServiceContext) {
  const now = ctx.clock();
  const windowMs = ctx.config.rateLimitWindowSeconds * 1000;
  const retryAfter = (windowStart: number) => Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
  return { now, cutoff: new Date(now - windowMs), retryAfter };
}

/**
 * Adds one to the key's live window, or starts a new window at 1, and returns the new count. One
 * statement (insert, or update on conflict, returning the row), so concurrent requests on any
 * instance each get a distinct count and a burst cannot slip under the limit.
 */
export async function countUp(ctx: ServiceContext, rawKey: string): Promise<WindowCount> {
  const { now, cutoff, retryAfter } = windowFor(ctx);
  const platform = ctx.em.getPlatform();
  const liveCutoff = platform.processDateProperty(cutoff);
  const [row] = await ctx.em
    .createQueryBuilder(RateLimitBucket)
    .insert({ key: stored(rawKey), windowStart: new Date(now), count: 1 })
    .onConflict('key')
    .merge({
      count: raw('case when rate_limit_buckets.window_start > ? then rate_limit_buckets.count + 1 else 1 end', [liveCutoff]),
      windowStart: raw('case when rate_limit_buckets.window_start > ? then rate_limit_buckets.window_start else ? end', [
        liveCutoff,
        platform.processDateProperty(new Date(now)),
      ]),
    })
    .returning(['count', 'windowStart'])
    .execute<{ count: number; windowStart: Date | number | string }[]>('all');
  if (!row) throw new Error('rate limit upsert returned no row');
  return { count: Number(row.count), retryAfterSeconds: retryAfter(new Date(row.windowStart).getTime()) };
}

/** Takes back one count of the key's live window (an attempt that turned out not to count). */
export async function countDown(ctx: ServiceContext, rawKey: string): Promise<void> {
  const { cutoff } = windowFor(ctx);
  await ctx.em.nativeUpdate(RateLimitBucket, { key: stored(rawKey), windowStart: { $gt: cutoff }, count: { $gt: 0 } }, { count: raw('count - 1') });
}

/** Forgets the key's count. */
export async function resetCount(ctx: ServiceContext, key: string): Promise<void> {
  await ctx.em.nativeDelete(RateLimitBucket, { key: stored(key) });
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
