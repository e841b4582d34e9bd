import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './User';

/** A cookie session. Only the SHA-256 of the session id is stored, never the id itself. */
export const Session = defineEntity({
  name: 'Session',
  tableName: 'sessions',
  properties: {
    id: p.integer().primary().autoincrement(),
    idHash: p.string().length(64).unique(),
    user: p.manyToOne(User).ref().deleteRule('cascade').index(),
    createdAt: p.datetime(),
    /** Null when sessions never expire (SESSION_DURATION <= 0). */
    expiresAt: p.datetime().nullable().index(),
  },
});

export type Session = InferEntity<typeof Session>;
