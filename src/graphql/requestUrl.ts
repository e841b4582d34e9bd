import type { ServerResponse } from 'node:http';
import { sendTransportError, type GraphQLRequest } from './request';

/** The GraphQL endpoint, matched exactly and case-sensitively; other paths get the app's JSON 404. */
export const GRAPHQL_PATH = /^\/graphql\/?$/;

/**
 * Yoga builds its request URL from the protocol, the Host header and the target, and answers a
 * 500 with a stack trace when that is no URL ("Host: a b"), so such requests get a 400 here. An
 * absolute-form target (`POST http://host/graphql`) is reduced to its path first, or Yoga would
 * glue it onto the Host. True when the request may go on; otherwise it has been answered.
 */
export function checkGraphQLUrl(req: GraphQLRequest, res: ServerResponse): boolean {
  if (!req.originalUrl.startsWith('/') && URL.canParse(req.originalUrl)) {
    const { pathname, search } = new URL(req.originalUrl);
    req.originalUrl = req.url = pathname + search;
  }
  const host = req.headers.host ?? 'localhost';
  if (req.originalUrl.startsWith('/') && URL.canParse(`${req.protocol}://${host}${req.originalUrl}`)) return true;
  sendTransportError(res, 400, 'The Host header or request target is not a valid URL.');
  return false;
}
