import type { Request, RequestHandler, Response } from 'express';
import { readCookie } from '../../auth/credentials';
import type { Config } from '../../config';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Credentials a browser attaches on its own, to cross-site requests too: the session cookie, and
 * Basic credentials, which browsers cache after a 401 with `WWW-Authenticate: Basic` (RA's). A
 * Bearer token is only ever sent by a script that holds it.
 */
function sendsAmbientCredentials(req: Request, sessionName: string): boolean {
  const authorization = req.headers.authorization;
  if (authorization !== undefined) return /^\s*basic(\s|$)/i.test(authorization);
  return readCookie(req.headers.cookie, sessionName) !== undefined;
}

/**
 * CSRF defence for the REST dialects: a state-changing request that authenticates with ambient
 * credentials (the session cookie or Basic), or that logs in to set a cookie (`setsCookie`), is
 * refused when it carries an Origin other than this server's or a CORS_ORIGINS entry. Browsers
 * always send Origin on cross-site writes; curl and other clients send none and keep working, as
 * do requests that authenticate with a Bearer token. `refuse` answers in the router's dialect.
 */
export function rejectCrossSiteAmbientWrites(
  config: Config,
  refuse: (res: Response) => void,
  setsCookie: (req: Request) => boolean = () => false,
): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (SAFE_METHODS.has(req.method) || origin === undefined) return next();
    if (!sendsAmbientCredentials(req, config.sessionName) && !setsCookie(req)) return next();
    if (origin === `${req.protocol}://${req.headers.host}` || config.corsOrigins.includes(origin)) return next();
    refuse(res);
  };
}
