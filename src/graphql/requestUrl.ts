import type { RequestHandler } from 'express';

/** The GraphQL endpoint, matched exactly and case-sensitively; other paths get the app's JSON 404. */
export const GRAPHQL_PATH = /^\/graphql\/?$/;

/**
 * Yoga builds its request URL from the protocol, the Host header and the target, and answers a
 * 500 with a stack trace when that is no URL ("Host: a b"), so such requests get a 400 here. An
 * absolute-form target (`POST http://host/graphql`), which Express has already routed by its
 * path, is reduced to that path first, or Yoga would glue it onto the Host.
 */
export function graphqlRequestUrl(): RequestHandler {
  return (req, res, next) => {
    if (!req.originalUrl.startsWith('/') && URL.canParse(req.originalUrl)) {
      const { pathname, search } = new URL(req.originalUrl);
      req.originalUrl = req.url = pathname + search;
    }
    const host = req.headers.host ?? 'localhost';
    if (req.originalUrl.startsWith('/') && URL.canParse(`${req.protocol}://${host}${req.originalUrl}`)) return next();
    res.status(400).json({ errors: [{ message: 'The Host header or request target is not a valid URL.', extensions: { code: 'BAD_REQUEST' } }] });
  };
}
