import { Router, type ErrorRequestHandler } from 'express';
import type { AppRuntime, RequestContext } from '../../context';
import type { Viewer } from '../../services/viewer';
import { RateLimitedError, UnauthenticatedError } from '../../services/errors';
import { renewAccessToken } from '../../services/tokens';
import { limitedBody } from '../flask/bodies';
import { rejectCrossSiteAmbientWrites } from '../flask/originCheck';
import { sendJson } from '../flask/json';
import { withContext, type RestHandler } from '../flask/handler';
import { clientErrorStatus, methodNotAllowed, reasonPhrase, sendRateLimited } from '../flask/httpErrors';

// RA: the token-auth API (`/api/token`, `/api/resource`). `/api/users` lives in shipApi/router.ts
// (decision 3). Any credential identifies the viewer (decision 2); a token in the Basic username
// is one of them.

function viewerOf(ctx: RequestContext): Viewer {
  if (ctx.viewer) return ctx.viewer;
  throw ctx.authError ?? new UnauthenticatedError('missing');
}

const token: RestHandler = async (ctx, _req, res) => {
  sendJson(res, 200, { duration: ctx.config.accessTokenSeconds, token: await renewAccessToken(ctx, viewerOf(ctx)) });
};

const resource: RestHandler = async (ctx, _req, res) => {
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
