import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A revoked JWT (by jti) or a whole login family (`family:<fam>`), kept until the tokens it covers
 * would have expired anyway.
 */
export const RevokedToken = defineEntity({
  name: 'RevokedToken',
  tableName: 'revoked_tokens',
  properties: {
    jti: p.string().length(80).primary(),
    // A plain string rather than p.enum: MikroORM 6 misreads a SQLite check constraint of three
    // values and would rebuild the table on every schema comparison.
    reason: p.string().length(16).$type<'logout' | 'rotated' | 'family'>().default('logout'),
    revokedAt: p.datetime().nullable(),
    expiresAt: p.datetime().index(),
  },
});

export type RevokedToken = InferEntity<typeof RevokedToken>;
