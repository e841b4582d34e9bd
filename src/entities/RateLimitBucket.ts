import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A fixed-window attempt counter, shared by every instance through the database. */
export const RateLimitBucket = defineEntity({
  name: 'RateLimitBucket',
  tableName: 'rate_limit_buckets',
  properties: {
    /** SHA-256 (hex) of the counter's name; see src/services/rateLimits.ts. */
    key: p.string().length(64).primary(),
    windowStart: p.datetime(),
    count: p.integer(),
  },
});

export type RateLimitBucket = InferEntity<typeof RateLimitBucket>;
