import type { RequestHandler } from 'express';
import { readCookie } from '../auth/credentials';
import type { Config } from '../config';
import { sendJson } from './flaskJson';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for the REST dialects: a state-changing request that authenticates with the session
 * cookie alone is refused when it carries an Origin other than this server's or a CORS_ORIGINS
 * entry. Browsers always send Origin on cross-site writes; curl and other clients send none and
 * keep working, as do requests that authenticate with an Authorization header.
 */
export function rejectCrossSiteCookieWrites(config: Config): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (SAFE_METHODS.has(req.method) || origin === undefined || req.headers.authorization) return next();
    if (readCookie(req.headers.cookie, config.sessionName) === undefined) return next();
    const own = `${req.protocol}://${req.headers.host}`;
    if (origin === own || config.corsOrigins.includes(origin)) return next();
    sendJson(res, 403, { error: 'Forbidden', message: 'Cross-site request refused' });
  };
}
