import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A sliding-window attempt log, shared by every instance through the database. */
export const RateLimitBucket = defineEntity({
  name: 'RateLimitBucket',
  tableName: 'rate_limit_buckets',
  properties: {
    /** SHA-256 (hex) of the counter's name; see src/services/rateLimits.ts. */
    key: p.string().length(64).primary(),
    /** The counted attempts of the last window, oldest first, as fixed-width entries (see rateLimits.ts). */
    attempts: p.text(),
  },
});

export type RateLimitBucket = InferEntity<typeof RateLimitBucket>;
