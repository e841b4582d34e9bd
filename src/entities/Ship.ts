import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { User } from './User';

export const Ship = defineEntity({
  name: 'Ship',
  tableName: 'ships',
  properties: {
    id: p.integer().primary().autoincrement(),
    affiliation: p.string().length(255),
    category: p.string().length(255),
    crew: p.integer(),
    length: p.integer(),
    manufacturer: p.string().length(255),
    model: p.string().length(255),
    shipClass: p.string().length(255),
    /** Kept in the order the client sent. */
    roles: p.json<string[]>(),
    createdBy: p.manyToOne(User).ref().nullable().deleteRule('set null').index(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Ship = InferEntity<typeof Ship>;
