import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request on its way to Yoga. /graphql skips Express (src/app.ts), so what Express's getters
 * would say of the request (through TRUST_PROXY) is worked out once and kept on it as plain
 * properties; the request keeps node:http's prototype, which V8 handles far faster than a request
 * whose prototype was swapped.
 */
export interface GraphQLRequest extends IncomingMessage {
  originalUrl: string;
  ip: string | undefined;
  protocol: string;
  secure: boolean;
}

/** The JSON error answer of the checks that run before Yoga, in GraphQL's error shape. */
export function sendTransportError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
