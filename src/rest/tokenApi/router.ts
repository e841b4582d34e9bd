import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router, type ErrorRequestHandler } from 'express';
import type { ExpressBridge } from '../../expressBridge';
import { setRoute } from '../../observability/requestState';
import { createContext, type AppRuntime, type RequestContext } from '../../context';
import type { Viewer } from '../../services/viewer';
import { RateLimitedError, UnauthenticatedError } from '../../services/errors';
import { renewAccessToken } from '../../services/tokens';
import { limitedBody } from '../flask/bodies';
import { rejectCrossSiteAmbientWrites } from '../flask/originCheck';
import { sendJson } from '../flask/json';
import { withContext } from '../flask/handler';
import { clientErrorStatus, methodNotAllowed, reasonPhrase, sendRateLimited } from '../flask/httpErrors';

// RA: the token-auth API (`/api/token`, `/api/resource`). `/api/users` lives in shipApi/router.ts
// (decision 3). Any credential identifies the viewer (decision 2); a token in the Basic username
// is one of them.

function viewerOf(ctx: RequestContext): Viewer {
  if (ctx.viewer) return ctx.viewer;
  throw ctx.authError ?? new UnauthenticatedError('missing');
}

const token = async (ctx: RequestContext, _req: unknown, res: ServerResponse) => {
  sendJson(res, 200, { duration: ctx.config.accessTokenSeconds, token: await renewAccessToken(ctx, viewerOf(ctx)) });
};

const resource = async (ctx: RequestContext, _req: unknown, res: ServerResponse) => {
  sendJson(res, 200, { data: `Hello, ${viewerOf(ctx).user.username}!` });
};

/** Flask-HTTPAuth's refusal (spec §1.3): the one RA error that is not JSON. */
const tokenAuthErrors: ErrorRequestHandler = (error, _req, res, next) => {
  if (error instanceof UnauthenticatedError) {
    res.status(401).set('WWW-Authenticate', 'Basic realm="Authentication Required"').type('text/html; charset=utf-8').send('Unauthorized Access');
    return;
  }
  if (error instanceof RateLimitedError) return sendRateLimited(res, error, { error: reasonPhrase(429), message: error.message });
  const status = clientErrorStatus(error);
  if (status !== null) return sendJson(res, status, { error: reasonPhrase(status) });
  next(error);
};

export function tokenAuthRouter(runtime: AppRuntime): Router {
  const router = Router({ strict: true, caseSensitive: true });
  // This router comes first in the app (its two paths are the hot ones), ahead of TX's router,
  // whose cross-site check used to see these paths first: the same check, answered as TX did.
  router.use(
    ['/api/token', '/api/resource'],
    rejectCrossSiteAmbientWrites(runtime.config, (res) => sendJson(res, 403, { error: 'Forbidden', message: 'Cross-site request refused' })),
  );
  router.use(['/api/token', '/api/resource'], limitedBody(runtime.config.bodyLimitBytes));
  router.get('/api/token', withContext(runtime, token));
  router.get('/api/resource', withContext(runtime, resource));
  router.all(['/api/token', '/api/resource'], methodNotAllowed('GET, HEAD, OPTIONS'));
  router.use(tokenAuthErrors);
  return router;
}

const DIRECT = new Map([
  ['/api/resource', resource],
  ['/api/token', token],
]);

/**
 * RA's two paths served before Express (see expressBridge.ts), for the request RA's clients send
 * on every call: a GET with no body to the exact path, with or without a query. Anything else
 * (HEAD, OPTIONS, other methods, a body, a fragment) returns false and goes through the router
 * above, which serves the same handlers; for a body-less GET its cross-site check and body limit
 * have nothing to do. A refusal is answered by the router's error mapper, then the app's.
 */
export function tokenApiDirect(
  runtime: AppRuntime,
  bridge: ExpressBridge,
  appErrors: ErrorRequestHandler,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'GET' || req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) return false;
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const handler = DIRECT.get(path);
    if (!handler) return false;
    setRoute(req, path);
    // Kept on the request itself, where the request log and the audit find its state.
    const request = Object.assign(req, bridge.facts(req));
    const fail = (error: unknown) => {
      const [expressReq, expressRes] = bridge.adopt(req, res);
      tokenAuthErrors(error, expressReq, expressRes, (unhandled) => appErrors(unhandled, expressReq, expressRes, () => undefined));
    };
    runtime.requests.track((async () => handler(await createContext(runtime, request, res), req, res))()).catch(fail);
    return true;
  };
}
