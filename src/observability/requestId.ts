import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';

// What a proxy or client may hand us as a request id: UUIDs, trace ids, base64 and the like.
// Anything else (too long, spaces, quotes, control characters) is replaced by a new id.
const ACCEPTED = /^[\w.:@/+=-]{1,128}$/;

/** The incoming X-Request-Id when it is safe to echo and log, otherwise a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTED.test(header) ? header : randomUUID();
}
