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

/** Adds one to the key's live window (starting a new window if needed) and returns the new count. */
export async function countUp(ctx: ServiceContext, rawKey: string): Promise<WindowCount> {
  const key = stored(rawKey);
  const { now, cutoff, retryAfter } = windowFor(ctx);
  const updated = await ctx.em.nativeUpdate(RateLimitBucket, { key, windowStart: { $gt: cutoff } }, { count: raw('count + 1') });
  // A concurrent resetCount may delete the bucket between the update and the read.
  const bucket = updated === 0 ? null : await ctx.em.findOne(RateLimitBucket, { key }, { refresh: true });
  if (!bucket) {
    // No live window: start one. Two instances racing here may both start it; both then count from 1.
    await ctx.em.upsert(RateLimitBucket, { key, windowStart: new Date(now), count: 1 });
    return { count: 1, retryAfterSeconds: retryAfter(now) };
  }
  return { count: bucket.count, retryAfterSeconds: retryAfter(bucket.windowStart.getTime()) };
}

/** The key's count in its live window, without changing it. */
export async function peek(ctx: ServiceContext, key: string): Promise<WindowCount> {
  const { cutoff, retryAfter } = windowFor(ctx);
  const bucket = await ctx.em.findOne(RateLimitBucket, { key: stored(key), windowStart: { $gt: cutoff } }, { refresh: true });
  return bucket ? { count: bucket.count, retryAfterSeconds: retryAfter(bucket.windowStart.getTime()) } : { count: 0, retryAfterSeconds: 0 };
}

/** Forgets the key's count. */
export async function resetCount(ctx: ServiceContext, key: string): Promise<void> {
  await ctx.em.nativeDelete(RateLimitBucket, { key: stored(key) });
}
