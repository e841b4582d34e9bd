import { Router, type Request } from 'express';
import type { AppRuntime, RequestContext } from '../../context';
import { viewerEntity, type ViewerUser } from '../../services/viewer';
import { authenticatePassword, passwordToSet } from '../../services/credentials';
import { NotFoundError, UnauthenticatedError } from '../../services/errors';
import { createShip, deleteShip, getShip, getShipRow, shipBatches, updateShip } from '../../services/ships';
import { issueTokens, refreshTokens, revokeClaims, revokeToken } from '../../services/tokens';
import { allUsers, assertSelf, deleteUser, getUser, keptCredentialOf, registerUser, updateUser } from '../../services/users';
import { hasFormContentType, hasJsonContentType, isPlainObject, limitedBody, readJson } from '../flask/bodies';
import { sendJson } from '../flask/json';
import { streamJsonArray } from '../flask/jsonStream';
import { withContext, type RestHandler } from '../flask/handler';
import { methodNotAllowed } from '../flask/httpErrors';
import { rejectCrossSiteAmbientWrites } from '../flask/originCheck';
import { absoluteLocation } from './location';
import { readShipBody, readUserBody } from './input';
import { shipApiErrors, rememberCredentials, TxProblem } from './errors';
import { shipJson, shipListItem, userJson } from './output';

// TX: the JWT ship API (`/auth/*`, `/api/users`, `/api/ships`). `/api/users` also serves RA's
// registration and lookup (decision 3). Flask's `<int:id>`: ASCII digits only, anything else is 404.

function pathId(req: Request, resource: 'User' | 'Ship'): number {
  const raw = String(req.params.id);
  if (!/^\d+$/.test(raw)) throw new NotFoundError(resource, raw);
  return Number(raw);
}

/** Any viewer (token, Basic password or session, decision 2); otherwise why not, in TX's words. */
function accessUser(ctx: RequestContext): ViewerUser {
  if (ctx.viewer) return ctx.viewer.user;
  throw ctx.authError ?? new UnauthenticatedError('missing');
}

/** The raw token of a refresh-only endpoint; its checks happen when the service verifies it. */
function presentedRefreshToken(ctx: RequestContext): string {
  const { credentials } = ctx;
  switch (credentials.kind) {
    case 'token':
      return credentials.token;
    case 'malformed':
      throw new UnauthenticatedError('malformed_header');
    case 'password':
      throw new UnauthenticatedError('refresh_token_required');
    default:
      throw new UnauthenticatedError('missing');
  }
}

/** `/api/users` and `/api/ships` read the raw body as JSON whatever the type, except form posts. */
function jsonBody(req: Request): unknown {
  const parsed = hasFormContentType(req) ? { ok: false as const } : readJson(req);
  if (!parsed.ok) throw new TxProblem(400);
  return parsed.value;
}

// Python truthiness, which decides "missing" for the login fields.
const isFalsy = (value: unknown) => !value || (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);

const login: RestHandler = async (ctx, req, res) => {
  const parsed = hasJsonContentType(req) ? readJson(req) : { ok: false as const };
  if (!parsed.ok || !isPlainObject(parsed.value)) throw new TxProblem(400);
  const { username, password } = parsed.value;
  if (isFalsy(username) || isFalsy(password)) throw new TxProblem(400, 'Username or password missing.');
  if (typeof username !== 'string' || typeof password !== 'string') throw new UnauthenticatedError('wrong_password');
  const tokens = await issueTokens(ctx, await authenticatePassword(ctx, username, password));
  sendJson(res, 200, { access_token: tokens.accessToken, refresh_token: tokens.refreshToken });
};

const refresh: RestHandler = async (ctx, _req, res) => {
  const tokens = await refreshTokens(ctx, presentedRefreshToken(ctx), false);
  sendJson(res, 200, { access_token: tokens.accessToken });
};

const LOGGED_OUT = { message: 'Successfully logged out.' };

const logoutAccess: RestHandler = async (ctx, _req, res) => {
  accessUser(ctx);
  const claims = ctx.viewer?.claims;
  if (!claims) throw new UnauthenticatedError('access_token_required');
  await revokeClaims(ctx, claims);
  sendJson(res, 200, LOGGED_OUT);
};

const logoutRefresh: RestHandler = async (ctx, _req, res) => {
  await revokeToken(ctx, presentedRefreshToken(ctx), 'refresh');
  sendJson(res, 200, LOGGED_OUT);
};

const listUsers: RestHandler = async (ctx, _req, res) => {
  sendJson(res, 200, (await allUsers(ctx)).map(userJson));
};

const showUser: RestHandler = async (ctx, req, res) => {
  sendJson(res, 200, userJson(await getUser(ctx, pathId(req, 'User'))));
};

const createUser: RestHandler = async (ctx, req, res) => {
  const body = readUserBody(ctx, jsonBody(req));
  if (body.id !== undefined) throw new TxProblem(400);
  const user = await registerUser(ctx, { username: body.username, password: body.password });
  res.set('Location', absoluteLocation(req, `/api/users/${user.id}`));
  sendJson(res, 201, userJson(user));
};

const replaceUser: RestHandler = async (ctx, req, res) => {
  const id = pathId(req, 'User');
  assertSelf(accessUser(ctx), id);
  const target = await getUser(ctx, id);
  const body = readUserBody(ctx, jsonBody(req), target);
  if (body.id !== undefined && body.id !== id) throw new TxProblem(400, 'Request data id has to match resource id.');
  const password = await passwordToSet(ctx, ctx.viewer!, body.password);
  const updated = await updateUser(ctx, target, { username: body.username, password }, keptCredentialOf(ctx.viewer));
  sendJson(res, 200, userJson(updated));
};

const removeUser: RestHandler = async (ctx, req, res) => {
  const id = pathId(req, 'User');
  assertSelf(accessUser(ctx), id);
  await deleteUser(ctx, await getUser(ctx, id));
  res.status(204).end();
};

/** Rows per query of the unpaginated list: encoding 500 takes 3–6 ms here, so no step stalls the event loop. */
const LIST_BATCH = 500;

const listShips: RestHandler = async (ctx, req, res) => {
  await streamJsonArray(req, res, shipBatches(ctx, LIST_BATCH), LIST_BATCH, shipListItem);
};

const showShip: RestHandler = async (ctx, req, res) => {
  sendJson(res, 200, shipJson(await getShipRow(ctx, pathId(req, 'Ship'))));
};

const addShip: RestHandler = async (ctx, req, res) => {
  accessUser(ctx);
  const creator = await viewerEntity(ctx, ctx.viewer!);
  const body = readShipBody(jsonBody(req));
  if (body.id !== undefined) throw new TxProblem(400);
  const ship = await createShip(ctx, creator, body.input);
  res.set('Location', absoluteLocation(req, `/api/ships/${ship.id}`));
  sendJson(res, 201, shipJson(ship));
};

const replaceShip: RestHandler = async (ctx, req, res) => {
  const id = pathId(req, 'Ship');
  const actor = accessUser(ctx);
  const body = readShipBody(jsonBody(req));
  if (body.id !== undefined && body.id !== id) {
    await getShip(ctx, id);
    throw new TxProblem(400, 'Request data id has to match resource id.');
  }
  sendJson(res, 200, shipJson(await updateShip(ctx, actor, id, body.input)));
};

const removeShip: RestHandler = async (ctx, req, res) => {
  const id = pathId(req, 'Ship');
  await deleteShip(ctx, accessUser(ctx), id);
  res.status(204).end();
};

export function shipApiRouter(runtime: AppRuntime): Router {
  const router = Router({ strict: true, caseSensitive: true });
  const handle = (handler: RestHandler) =>
    withContext(runtime, async (ctx, req, res) => {
      rememberCredentials(res, ctx.credentials);
      await handler(ctx, req, res);
    });

  router.use(['/auth', '/api/users', '/api/ships'], limitedBody(runtime.config.bodyLimitBytes));
  router.use(rejectCrossSiteAmbientWrites(runtime.config, (res) => sendJson(res, 403, { error: 'Forbidden', message: 'Cross-site request refused' })));

  router.post('/auth/login', handle(login));
  router.post('/auth/refresh', handle(refresh));
  router.delete('/auth/logout', handle(logoutAccess));
  router.delete('/auth/logout2', handle(logoutRefresh));
  router.all('/auth/login', methodNotAllowed('OPTIONS, POST'));
  router.all('/auth/refresh', methodNotAllowed('OPTIONS, POST'));
  router.all(['/auth/logout', '/auth/logout2'], methodNotAllowed('DELETE, OPTIONS'));

  router.get('/api/users', handle(listUsers));
  router.post('/api/users', handle(createUser));
  router.get('/api/users/:id', handle(showUser));
  router.put('/api/users/:id', handle(replaceUser));
  router.delete('/api/users/:id', handle(removeUser));

  router.get('/api/ships', handle(listShips));
  router.post('/api/ships', handle(addShip));
  router.get('/api/ships/:id', handle(showShip));
  router.put('/api/ships/:id', handle(replaceShip));
  router.delete('/api/ships/:id', handle(removeShip));

  router.all(['/api/users', '/api/ships'], methodNotAllowed('GET, HEAD, OPTIONS, POST'));
  router.all(['/api/users/:id', '/api/ships/:id'], methodNotAllowed('DELETE, GET, HEAD, OPTIONS, PUT'));

  router.use(shipApiErrors(runtime.clock));
  return router;
}
