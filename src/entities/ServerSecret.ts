import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Secrets generated on first start and shared by every instance using the database. */
export const ServerSecret = defineEntity({
  name: 'ServerSecret',
  tableName: 'server_secrets',
  properties: {
    name: p.string().length(64).primary(),
    value: p.string().length(255),
    createdAt: p.datetime(),
  },
});

export type ServerSecret = InferEntity<typeof ServerSecret>;
