import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A fixed-window attempt counter, shared by every instance through the database. */
export const RateLimitBucket = defineEntity({
  name: 'RateLimitBucket',
  tableName: 'rate_limit_buckets',
  properties: {
    key: p.string().length(320).primary(),
    windowStart: p.datetime(),
    count: p.integer(),
  },
});

export type RateLimitBucket = InferEntity<typeof RateLimitBucket>;
