import type { Request, RequestHandler, Response } from 'express';
import { readCookie } from '../auth/credentials';
import type { Config } from '../config';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for the REST dialects: a state-changing request that authenticates with the session
 * cookie alone, or that logs in to set one (`setsCookie`), is refused when it carries an Origin
 * other than this server's or a CORS_ORIGINS entry. Browsers always send Origin on cross-site
 * writes; curl and other clients send none and keep working, as do requests that authenticate
 * with an Authorization header. `refuse` answers in the router's dialect.
 */
export function rejectCrossSiteCookieWrites(
  config: Config,
  refuse: (res: Response) => void,
  setsCookie: (req: Request) => boolean = () => false,
): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (SAFE_METHODS.has(req.method) || origin === undefined) return next();
    const usesCookie = !req.headers.authorization && readCookie(req.headers.cookie, config.sessionName) !== undefined;
    if (!usesCookie && !setsCookie(req)) return next();
    if (origin === `${req.protocol}://${req.headers.host}` || config.corsOrigins.includes(origin)) return next();
    refuse(res);
  };
}
