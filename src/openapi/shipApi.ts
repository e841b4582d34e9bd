import { ANY_CREDENTIAL, intIdParameter, jsonBody, jsonResponse, LOCATION, PUBLIC, ref, RETRY_AFTER } from './components';
import type { JsonSchema, Operation, Paths, RequestBody, ResponseObject, SecurityRequirement } from './types';
import { RA_TAG } from './tokenApi';

// TX, the JWT ship API (spec §2): `/auth/*`, `/api/ships`, and `/api/users`, which RA shares
// (decision 3: one handler per method, whichever dialect the client speaks).

export const TX_TAG = {
  name: 'TX: ship API',
  description:
    'Toxe/python-flask-rest-jwt: JSON login for access and refresh JWTs, users, and ships. Errors are `{"error": …}` in flask-jwt-extended\'s and Werkzeug\'s words.',
};

const txError = (description: string): ResponseObject => jsonResponse(description, ref('TxError'));

const BAD_BODY: ResponseObject = jsonResponse(
  "A body that is not JSON (form content types included), a field that breaks marshmallow's rules (`message` lists them by field), or a conflict in `message`.",
  { oneOf: [ref('TxValidationError'), ref('TxError')] },
);
const CROSS_SITE =
  'A write with ambient credentials (the session cookie or Basic) and a foreign `Origin`: `{"error": "Forbidden", "message": "Cross-site request refused"}`.';

type Auth = 'public' | 'access' | 'refresh';

interface TxSpec {
  operationId: string;
  summary: string;
  description?: string;
  auth: Auth;
  /** RA clients use this operation too. */
  shared?: boolean;
  body?: RequestBody;
  pathId?: 'user' | 'ship';
  write: boolean;
  responses: Record<string, ResponseObject>;
}

const SECURITY: Record<Auth, SecurityRequirement[]> = { public: PUBLIC, access: ANY_CREDENTIAL, refresh: [{ bearerAuth: [] }] };

function operation(spec: TxSpec): Operation {
  const responses: Record<string, ResponseObject> = { ...spec.responses };
  if (spec.auth !== 'public') {
    responses['401'] ??= txError(
      spec.auth === 'refresh'
        ? "No credentials (`Missing Authorization Header`), or an expired or revoked token, or a deleted user's (`Unknown user.`)."
        : "No credentials (`Missing Authorization Header`), an expired, revoked or deleted user's token, or a wrong Basic password.",
    );
    responses['422'] ??= txError(
      spec.auth === 'refresh'
        ? 'A malformed header or token, a bad signature, or anything but a refresh token (`Only refresh tokens are allowed`).'
        : 'A malformed header or token, a bad signature, or a refresh token (`Only access tokens are allowed`).',
    );
  }
  if (spec.auth === 'access') {
    responses['429'] = jsonResponse('Basic credentials throttled: too many password attempts.', ref('TxError'), { 'Retry-After': RETRY_AFTER });
  }
  if (spec.write) responses['403'] ??= txError(CROSS_SITE);
  if (spec.body) {
    responses['400'] ??= BAD_BODY;
    responses['413'] = txError('The body is larger than `BODY_LIMIT_BYTES`.');
    responses['415'] = txError('A `Content-Encoding` other than gzip, deflate or br.');
  }
  return {
    tags: spec.shared ? [TX_TAG.name, RA_TAG.name] : [TX_TAG.name],
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    ...(spec.pathId && { parameters: [intIdParameter(spec.pathId)] }),
    ...(spec.body && { requestBody: spec.body }),
    security: SECURITY[spec.auth],
    responses,
  };
}

const userBody: JsonSchema = {
  oneOf: [ref('NewUserRa'), ref('NewUserTx')],
  description: 'RA sends `username`, TX sends `name`: the same field. Both may be sent when equal.',
};
const notFound = (what: string) => txError(`No ${what} with that id, or an id that is not digits: \`{"error": "Not Found"}\`.`);
const LOGGED_OUT = jsonResponse('The token is revoked, in the database.', ref('TxMessage'));
const NO_CONTENT: ResponseObject = { description: 'Deleted; no body.' };

export function shipApiPaths(): Paths {
  return {
    '/auth/login': {
      post: operation({
        operationId: 'txLogin',
        summary: 'Log in with a username and password (TX)',
        auth: 'public',
        write: true,
        body: jsonBody(ref('TxLogin'), '`Content-Type` must be `application/json` (or `application/*+json`).'),
        responses: {
          '200': jsonResponse('A fresh access token and a refresh token.', ref('TxTokens')),
          '400': txError('Not a JSON object, or `username` or `password` missing or empty (`Username or password missing.`).'),
          '401': txError('`{"error": "Unauthorized", "message": "Username or password invalid."}`, for an unknown user and a wrong password alike.'),
          '429': jsonResponse('Too many password attempts.', ref('TxError'), { 'Retry-After': RETRY_AFTER }),
        },
      }),
    },
    '/auth/refresh': {
      post: operation({
        operationId: 'txRefresh',
        summary: 'Get a new access token for a refresh token (TX)',
        description: 'Send the refresh token as `Authorization: Bearer`. The refresh token is not rotated.',
        auth: 'refresh',
        write: true,
        responses: { '200': jsonResponse('A new access token (not fresh).', ref('TxAccessToken')) },
      }),
    },
    '/auth/logout': {
      delete: operation({
        operationId: 'txLogoutAccess',
        summary: 'Revoke the access token (TX)',
        description: "Also revokes the tokens renewed from it; the login's refresh token keeps working.",
        auth: 'access',
        write: true,
        responses: { '200': LOGGED_OUT },
      }),
    },
    '/auth/logout2': {
      delete: operation({
        operationId: 'txLogoutRefresh',
        summary: 'Revoke the refresh token and its whole login (TX)',
        auth: 'refresh',
        write: true,
        responses: { '200': LOGGED_OUT },
      }),
    },
    '/api/users': {
      get: operation({
        operationId: 'listUsers',
        summary: 'List users (TX)',
        auth: 'public',
        write: false,
        responses: { '200': jsonResponse('Every user, oldest first.', { type: 'array', items: ref('User') }) },
      }),
      post: operation({
        operationId: 'registerUser',
        summary: 'Register a user (RA and TX)',
        description:
          'One handler answers both dialects (decision 3): RA clients send `{"username", "password"}` and read `username`, TX clients send `{"name", "password"}` and read `id` and `name`. TX\'s validation applies to both; the body is read as JSON whatever its `Content-Type`, except form types.',
        auth: 'public',
        shared: true,
        write: true,
        body: jsonBody(userBody),
        responses: {
          '201': jsonResponse('Created.', ref('User'), { Location: LOCATION }),
          '400': jsonResponse(
            'Invalid fields (`message` by field), a taken name (`User already exists.`), a body `id` (no message), or a body that is not JSON.',
            {
              oneOf: [ref('TxValidationError'), ref('TxError')],
            },
          ),
        },
      }),
    },
    '/api/users/{id}': {
      get: operation({
        operationId: 'getUser',
        summary: 'Get a user (RA and TX)',
        description: 'Both dialects get `{"id", "name", "username"}`; a missing user is TX\'s 404 rather than RA\'s HTML 400 (decision 4).',
        auth: 'public',
        shared: true,
        write: false,
        pathId: 'user',
        responses: { '200': jsonResponse('The user.', ref('User')), '404': notFound('user') },
      }),
      put: operation({
        operationId: 'replaceUser',
        summary: 'Replace your own user: name and password (TX)',
        auth: 'access',
        write: true,
        pathId: 'user',
        body: jsonBody(ref('ReplaceUser')),
        responses: {
          '200': jsonResponse('The user as stored.', ref('User')),
          '401': txError('As for every access-protected operation, plus `Fresh token required` for a new password with a token that is not fresh.'),
          '403': txError(`Another user's id (\`{"error": "Forbidden"}\`), or: ${CROSS_SITE}`),
          '404': notFound('user'),
        },
      }),
      delete: operation({
        operationId: 'deleteUser',
        summary: 'Delete your own user (TX)',
        description: 'Ends every session and token of the user.',
        auth: 'access',
        write: true,
        pathId: 'user',
        responses: { '204': NO_CONTENT, '403': txError(`Another user's id, or: ${CROSS_SITE}`), '404': notFound('user') },
      }),
    },
    '/api/ships': {
      get: operation({
        operationId: 'listShips',
        summary: 'List ships (TX)',
        auth: 'public',
        write: false,
        responses: { '200': jsonResponse('Every ship, in id order.', { type: 'array', items: ref('Ship') }) },
      }),
      post: operation({
        operationId: 'createShip',
        summary: 'Add a ship (TX)',
        description: 'The signed-in user becomes its creator, the only one who may change or delete it.',
        auth: 'access',
        write: true,
        body: jsonBody(ref('ShipInput')),
        responses: { '201': jsonResponse('Created.', ref('Ship'), { Location: LOCATION }) },
      }),
    },
    '/api/ships/{id}': {
      get: operation({
        operationId: 'getShip',
        summary: 'Get a ship (TX)',
        auth: 'public',
        write: false,
        pathId: 'ship',
        responses: { '200': jsonResponse('The ship.', ref('Ship')), '404': notFound('ship') },
      }),
      put: operation({
        operationId: 'replaceShip',
        summary: 'Replace a ship (TX)',
        description: 'The body is validated before the ship is looked up. Ships without a creator (the demo data) may be changed by any signed-in user.',
        auth: 'access',
        write: true,
        pathId: 'ship',
        body: jsonBody(ref('ShipInput')),
        responses: {
          '200': jsonResponse('The ship as stored.', ref('Ship')),
          '403': txError(`Someone else's ship, or: ${CROSS_SITE}`),
          '404': notFound('ship'),
        },
      }),
      delete: operation({
        operationId: 'deleteShip',
        summary: 'Delete a ship (TX)',
        auth: 'access',
        write: true,
        pathId: 'ship',
        responses: { '204': NO_CONTENT, '403': txError(`Someone else's ship, or: ${CROSS_SITE}`), '404': notFound('ship') },
      }),
    },
  };
}
