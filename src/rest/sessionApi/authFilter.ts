import type { Request, RequestHandler, Response } from 'express';
import { readCookie } from '../../auth/credentials';
import type { HbAuthType } from '../../config';
import { createContext, type AppRuntime, type RequestContext } from '../../context';
import type { ViewerUser } from '../../services/viewer';
import { RateLimitedError, UnauthenticatedError } from '../../services/errors';
import { resolveSession } from '../../services/sessions';
import { forbidden, unauthorized } from './errors';

// HB's before-request filter (spec §3.4, decisions 2 and 7), for the router mounted at /api/v1:
// it runs before routing, so unknown paths and OPTIONS get 401/403 before they can be 404/405.

/** What the filter hands the routes: the request context, built once, and the current user. */
export interface HbRequest {
  ctx: RequestContext;
  /** Null only on the paths the filter lets through without credentials. */
  user: ViewerUser | null;
}

const EXCLUDED_PATHS = ['/status', '/unauthorized', '/forbidden', '/auth_session/login'];

const withoutSlash = (path: string) => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

/** Paths relative to /api/v1, with or without a trailing slash. The seed's POST alias logs in too. */
export function isExcluded(method: string, path: string): boolean {
  return EXCLUDED_PATHS.includes(withoutSlash(path)) || isLogin(method, path);
}

/** The requests that log in and set the session cookie. */
export function isLogin(method: string, path: string): boolean {
  const bare = withoutSlash(path);
  return method === 'POST' && (bare === '/auth_session/login' || bare === '/auth_session');
}

/** Whether AUTH_TYPE leaves HB's session routes anything to do. */
export function sessionsEnabled(authType: HbAuthType | null): boolean {
  return authType === null || authType.startsWith('session_');
}

/** Presence is what counts: an empty header or an empty cookie still gets past the 401. */
function presentsCredentials(req: Request, sessionName: string): boolean {
  return req.headers.authorization !== undefined || readCookie(req.headers.cookie, sessionName) !== undefined;
}

/** The session modes identify by the cookie alone, even when an Authorization header came too. */
async function cookieUser(ctx: RequestContext, req: Request): Promise<ViewerUser | null> {
  if (ctx.viewer?.method === 'session') return ctx.viewer.user;
  const sessionId = readCookie(req.headers.cookie, ctx.config.sessionName);
  if (sessionId === undefined || ctx.credentials.kind === 'session') return null;
  try {
    return (await resolveSession(ctx, sessionId)).user.getEntity();
  } catch (error) {
    if (error instanceof UnauthenticatedError) return null;
    throw error;
  }
}

/** The current user as AUTH_TYPE allows it: unset accepts every mechanism. */
async function currentUser(ctx: RequestContext, req: Request): Promise<ViewerUser | null> {
  const authType = ctx.config.hbAuthType;
  if (authType === null || authType === 'basic_auth') {
    if (ctx.authError instanceof RateLimitedError) throw ctx.authError;
    // Decision 5: a deleted user's token is 401 on every face; other refusals keep HB's 403.
    if (ctx.authError?.reason === 'user_gone') throw unauthorized();
    if (authType === null) return ctx.viewer?.user ?? null;
    return ctx.viewer?.method === 'password' ? ctx.viewer.user : null;
  }
  if (authType === 'auth') return null;
  return cookieUser(ctx, req);
}

export function hbRequest(res: Response): HbRequest {
  return res.locals.hb as HbRequest;
}

/** Builds the request context, applies the filter and leaves the outcome in `res.locals`. */
export function hbAuthFilter(runtime: AppRuntime): RequestHandler {
  return (req, res, next) => {
    runtime.requests
      .track(
        (async () => {
          const ctx = await createContext(runtime, req, res);
          let user: ViewerUser | null = null;
          if (!isExcluded(req.method, req.path)) {
            if (!presentsCredentials(req, ctx.config.sessionName)) throw unauthorized();
            user = await currentUser(ctx, req);
            if (!user) throw forbidden();
          }
          res.locals.hb = { ctx, user } satisfies HbRequest;
        })(),
      )
      .then(() => next(), next);
  };
}
