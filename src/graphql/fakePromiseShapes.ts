import { fakePromise, fakeRejectPromise } from '@whatwg-node/promise-helpers';

/**
 * Yoga, envelop and @whatwg-node/server pass most steps of a request through the "fake promises"
 * of @whatwg-node/promise-helpers (the version pinned in package.json is the one they use): object
 * literals with computed keys, made several times per request and dropped at once. V8 holds the
 * hidden classes (maps) of those objects only weakly, so a stretch of other work with its garbage
 * collections and no GraphQL request in flight (REST traffic, say) collects them, and the next
 * request makes new ones. Early in a process's life, before the code is optimized, that happens a
 * few times, the literal sites that define the computed keys see one map after another, go
 * megamorphic, and from then on define every key through V8's runtime: a tenth of a GraphQL
 * request's CPU for the rest of the process's life (measured with --cpu-prof; see bench/speed.ts
 * for the ratios). Holding one object of each shape for the life of the process keeps the maps,
 * so those sites stay monomorphic whatever traffic comes first.
 */
let held: unknown[] | undefined;

export function holdFakePromiseShapes(): unknown[] {
  // Two values of different kinds, so the field holding the value starts out general and never
  // has to change its representation (which would replace the map).
  held ??= [fakePromise(undefined), fakePromise(0), fakeRejectPromise(undefined), fakeRejectPromise(new Error('held'))];
  return held;
}
