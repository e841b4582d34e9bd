import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A revoked JWT, kept until the token would have expired anyway. */
export const RevokedToken = defineEntity({
  name: 'RevokedToken',
  tableName: 'revoked_tokens',
  properties: {
    jti: p.string().length(64).primary(),
    expiresAt: p.datetime().index(),
  },
});

export type RevokedToken = InferEntity<typeof RevokedToken>;
