import { Router, type Request, type Response } from 'express';
import { readCookie } from '../../auth/credentials';
import { clearedSessionCookie, sessionCookie } from '../../auth/sessionCookie';
import type { AppRuntime, RequestContext } from '../../context';
import type { User } from '../../entities';
import type { ViewerUser } from '../../services/viewer';
import { authenticatePassword } from '../../services/credentials';
import { NotFoundError, UnauthenticatedError } from '../../services/errors';
import { closeSession, openSession } from '../../services/sessions';
import { allUsers, assertSelf, countUsers, deleteUser, getUserByUuid, registerUser, updateUser } from '../../services/users';
import { limitedBody } from '../flask/bodies';
import { flaskCors } from './cors';
import { sendJson } from '../flask/json';
import { readFormFields } from './formFields';
import { hbAuthFilter, hbRequest, isLogin, sessionsEnabled, type HbRequest } from './authFilter';
import { forbidden, hbErrors, hbNotFound, HbProblem, saveFailure, unauthorized } from './errors';
import { CREATE_FAILED, readLoginFields, readNamePatch, readNewUser, UPDATE_FAILED } from './userInput';
import { hbUserJson } from './userJson';
import { methodNotAllowed } from '../flask/httpErrors';
import { rejectCrossSiteAmbientWrites } from '../flask/originCheck';

// HB: the session-auth API under /api/v1 (spec §3). Every route accepts a trailing slash; the
// filter in authFilter.ts has already run. Deviation (decision 7): users may only change or
// delete themselves.

type HbHandler = (hb: HbRequest, req: Request, res: Response) => Promise<void>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function pathUser(ctx: RequestContext, req: Request): Promise<User> {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw new NotFoundError('User', id);
  return getUserByUuid(ctx, id);
}

/** The filter guarantees a user on every path it does not exclude. */
function actor(hb: HbRequest): ViewerUser {
  if (!hb.user) throw forbidden();
  return hb.user;
}

function assertSessions(ctx: RequestContext): void {
  if (!sessionsEnabled(ctx.config.hbAuthType)) throw new NotFoundError('Session', 'current');
}

const status: HbHandler = async (_hb, _req, res) => sendJson(res, 200, { status: 'OK' });

const stats: HbHandler = async ({ ctx }, _req, res) => sendJson(res, 200, { users: await countUsers(ctx) });

const refuseUnauthorized: HbHandler = async () => {
  throw unauthorized();
};

const refuseForbidden: HbHandler = async () => {
  throw forbidden();
};

const listUsers: HbHandler = async ({ ctx }, _req, res) => sendJson(res, 200, (await allUsers(ctx)).map(hbUserJson));

const showMe: HbHandler = async ({ user }, _req, res) => {
  if (!user) throw new NotFoundError('User', 'me');
  sendJson(res, 200, hbUserJson(user));
};

const showUser: HbHandler = async ({ ctx }, req, res) => sendJson(res, 200, hbUserJson(await pathUser(ctx, req)));

const createUser: HbHandler = async ({ ctx }, req, res) => {
  const input = readNewUser(req);
  const user = await registerUser(ctx, { ...input, username: input.email }).catch(saveFailure(CREATE_FAILED));
  sendJson(res, 201, hbUserJson(user));
};

const replaceUser: HbHandler = async (hb, req, res) => {
  const target = await pathUser(hb.ctx, req);
  assertSelf(actor(hb), target.id);
  const patch = readNamePatch(req);
  sendJson(res, 200, hbUserJson(await updateUser(hb.ctx, target, patch).catch(saveFailure(UPDATE_FAILED))));
};

const removeUser: HbHandler = async (hb, req, res) => {
  const target = await pathUser(hb.ctx, req);
  assertSelf(actor(hb), target.id);
  await deleteUser(hb.ctx, target);
  sendJson(res, 200, {});
};

const login: HbHandler = async ({ ctx }, req, res) => {
  assertSessions(ctx);
  const { email, password } = readLoginFields(await readFormFields(req));
  const user = await authenticatePassword(ctx, email, password, 'email').catch((error: unknown) => {
    if (!(error instanceof UnauthenticatedError)) throw error;
    throw error.reason === 'unknown_account' ? new HbProblem(404, 'no user found for this email') : new HbProblem(401, 'wrong password');
  });
  const { sessionId } = await openSession(ctx, user);
  // Replaces the clearing cookie the context may have set for a stale session.
  res.setHeader('Set-Cookie', sessionCookie(ctx.config, ctx, sessionId));
  sendJson(res, 200, hbUserJson(user));
};

const logout: HbHandler = async ({ ctx }, req, res) => {
  assertSessions(ctx);
  const sessionId = readCookie(req.headers.cookie, ctx.config.sessionName);
  if (sessionId === undefined) throw new NotFoundError('Session', 'current');
  await closeSession(ctx, sessionId);
  ctx.setCookie(clearedSessionCookie(ctx.config, ctx));
  sendJson(res, 200, {});
};

export function sessionApiRouter(runtime: AppRuntime): Router {
  const api = Router({ caseSensitive: true });
  const handle = (handler: HbHandler) => (req: Request, res: Response, next: (error?: unknown) => void) => {
    runtime.requests.track(handler(hbRequest(res), req, res)).catch(next);
  };

  api.use(flaskCors());
  // Both before the filter, which may verify a password: an oversized body is refused, and a
  // forged cross-site write or login gets HB's 403 (with the CORS headers above).
  api.use(limitedBody(runtime.config.bodyLimitBytes));
  api.use(
    rejectCrossSiteAmbientWrites(
      runtime.config,
      (res) => sendJson(res, 403, { error: 'Forbidden' }),
      (req) => isLogin(req.method, req.path),
    ),
  );
  api.use(hbAuthFilter(runtime));

  api.get('/status', handle(status));
  api.get('/stats', handle(stats));
  api.get('/unauthorized', handle(refuseUnauthorized));
  api.get('/forbidden', handle(refuseForbidden));
  api.all(['/status', '/stats', '/unauthorized', '/forbidden'], methodNotAllowed('GET, HEAD, OPTIONS'));

  api.get('/users', handle(listUsers));
  api.post('/users', handle(createUser));
  api.get('/users/me', handle(showMe));
  api.get('/users/:id', handle(showUser));
  api.put('/users/:id', handle(replaceUser));
  api.delete('/users/:id', handle(removeUser));
  api.all('/users', methodNotAllowed('GET, HEAD, OPTIONS, POST'));
  api.all('/users/:id', methodNotAllowed('DELETE, GET, HEAD, OPTIONS, PUT'));

  // The task statements' paths, plus the seed's aliases (spec §3.8).
  api.post(['/auth_session/login', '/auth_session'], handle(login));
  api.delete(['/auth_session/logout', '/auth_session'], handle(logout));
  api.all('/auth_session/login', methodNotAllowed('OPTIONS, POST'));
  api.all('/auth_session/logout', methodNotAllowed('DELETE, OPTIONS'));
  api.all('/auth_session', methodNotAllowed('DELETE, OPTIONS, POST'));

  api.use(hbNotFound);
  api.use(hbErrors);

  const router = Router({ caseSensitive: true });
  router.use('/api/v1', api);
  return router;
}
