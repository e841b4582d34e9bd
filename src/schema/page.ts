import type { ObjectRef } from '@pothos/core';
import type { Page } from '../services/pagination';
import { builder } from './builder';

/** A page of nodes with keyset cursors: pass `endCursor` as `after` to get the next page. */
// Any node type's ref: Pothos' ObjectRef is invariant in its schema-types parameter.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function pageType<T extends { id: number }>(name: string, node: ObjectRef<any, T | number, any>) {
  return builder.objectRef<Page<T>>(name).implement({
    fields: (t) => ({
      nodes: t.field({ type: [node], resolve: (page) => page.nodes }),
      totalCount: t.exposeInt('totalCount'),
      hasNextPage: t.exposeBoolean('hasNextPage'),
      endCursor: t.exposeString('endCursor', { nullable: true }),
    }),
  });
}
