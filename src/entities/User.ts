import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.integer().primary().autoincrement(),
    uuid: p.uuid().unique(),
    /** As typed; `usernameCanonical` is what uniqueness and logins compare. */
    username: p.string().length(255).unique(),
    /**
     * RFC 8265 UsernameCaseMapped form (auth/identifiers.ts). Null only for a row that collided
     * with another when the column was added (the migration reports those); it logs in by its
     * exact username.
     */
    usernameCanonical: p.string().length(255).unique().nullable(),
    email: p.string().length(255).unique().nullable(),
    /** Lower-cased; null with the email, or for a row whose email collided when the column was added. */
    emailCanonical: p.string().length(255).unique().nullable(),
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
