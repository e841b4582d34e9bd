import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.integer().primary().autoincrement(),
    uuid: p.uuid().unique(),
    username: p.string().length(255).unique(),
    email: p.string().length(255).unique().nullable(),
    firstName: p.string().length(255).nullable(),
    lastName: p.string().length(255).nullable(),
    passwordHash: p.string().length(255).hidden().lazy(true, false),
    /** Stamped into every token; bumping it (password change) invalidates every earlier one. */
    tokenVersion: p.integer(),
    /**
     * The access-token chain that made the last password change: its tokens of the previous
     * tokenVersion keep working, as the credential that made a change survives it.
     */
    keptTokenChain: p.string().length(64).nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type User = InferEntity<typeof User>;
