import type { Config } from '../config';
import { ANY_CREDENTIAL, jsonBody, jsonResponse, PUBLIC, ref, RETRY_AFTER } from './components';
import type { Header, JsonSchema, Operation, Paths, RequestBody, ResponseObject, SecurityRequirement } from './types';

// HB, the session-auth API under /api/v1 (spec §3). Its filter runs before routing: every path it
// does not exclude answers 401 without credentials and 403 with refused ones, before anything else.

export const HB_TAG = {
  name: 'HB: session API',
  description:
    'The Holberton session-auth API under `/api/v1`: a form login sets the session cookie. Every path also answers with a trailing slash. Errors are `{"error": …}`; every response carries Flask-Cors headers.',
};

const PREFIX = '/api/v1';

const CORS: Record<string, Header> = {
  'Access-Control-Allow-Origin': {
    description: "Flask-Cors: `*`, or the request's `Origin` echoed (never with credentials).",
    required: true,
    schema: { type: 'string' },
  },
};

const hbJson = (description: string, schema: JsonSchema, headers: Record<string, Header> = {}): ResponseObject =>
  jsonResponse(description, schema, { ...CORS, ...headers });
const hbError = (description: string): ResponseObject => hbJson(description, ref('HbError'));

const WRONG_FORMAT =
  "The body is not a JSON object with a JSON `Content-Type` (`Wrong format`), or a field is refused (`email missing`, `password missing`, `Can't create User: …`).";
const CROSS_SITE = 'a write (or a login) with a foreign `Origin` and ambient credentials';

/** What the filter accepts: every credential unless `AUTH_TYPE` names one mechanism. */
function filterSecurity(authType: Config['hbAuthType']): SecurityRequirement[] {
  if (authType === 'basic_auth') return [{ basicAuth: [] }];
  if (authType?.startsWith('session_')) return [{ sessionCookie: [] }];
  return ANY_CREDENTIAL;
}

interface HbSpec {
  operationId: string;
  summary: string;
  description?: string;
  /** Excluded from the filter: no credentials needed. */
  open?: boolean;
  write?: boolean;
  body?: RequestBody;
  uuidPath?: boolean;
  responses: Record<string, ResponseObject>;
}

function operation(spec: HbSpec, security: SecurityRequirement[]): Operation {
  const responses: Record<string, ResponseObject> = { ...spec.responses };
  if (!spec.open) {
    responses['401'] ??= hbError("No `Authorization` header and no session cookie (`Unauthorized`), or a deleted user's token.");
    responses['403'] ??= hbError(
      `Credentials that identify nobody: a wrong password, a malformed header, an unknown or expired session (\`Forbidden\`)${spec.write ? `; or ${CROSS_SITE}` : ''}.`,
    );
    responses['429'] = hbJson('Basic credentials throttled: too many password attempts.', ref('HbError'), { 'Retry-After': RETRY_AFTER });
  } else if (spec.write) {
    responses['403'] ??= hbError(`Forbidden: ${CROSS_SITE}.`);
  }
  if (spec.body) {
    responses['413'] = hbError('The body is larger than `BODY_LIMIT_BYTES`.');
    responses['415'] = hbError('A `Content-Encoding` other than gzip, deflate or br.');
  }
  return {
    tags: [HB_TAG.name],
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description && { description: spec.description }),
    ...(spec.uuidPath && {
      parameters: [
        { name: 'id', in: 'path', required: true, description: "The user's UUID; anything else is a 404.", schema: { type: 'string', format: 'uuid' } },
      ],
    }),
    ...(spec.body && { requestBody: spec.body }),
    security: spec.open ? PUBLIC : security,
    responses,
  };
}

export function sessionApiPaths(config: Config): Paths {
  const security = filterSecurity(config.hbAuthType);
  const op = (spec: HbSpec) => operation(spec, security);
  const setCookie: Header = {
    description: `The new session: \`${config.sessionName}=<id>; Path=/; HttpOnly; SameSite=Lax\`, with \`Max-Age\` when sessions expire and \`Secure\` over TLS.`,
    required: true,
    schema: { type: 'string', pattern: `^${config.sessionName}=[^;]+; Path=/; HttpOnly; SameSite=Lax` },
  };
  const clearCookie: Header = {
    description: `Clears the cookie: \`${config.sessionName}=; …; Max-Age=0\`.`,
    required: false,
    schema: { type: 'string', pattern: `^${config.sessionName}=;` },
  };
  const loginForm: RequestBody = {
    required: true,
    description: 'Form fields only: JSON bodies and the query string are not read.',
    content: { 'application/x-www-form-urlencoded': { schema: ref('HbLoginForm') }, 'multipart/form-data': { schema: ref('HbLoginForm') } },
  };
  const login = (operationId: string, summary: string): Operation =>
    op({
      operationId,
      summary,
      description: "Checks the form's email and password and opens a session stored in the database. Excluded from the filter.",
      open: true,
      write: true,
      body: loginForm,
      responses: {
        '200': hbJson('The user; the session cookie is set.', ref('HbUser'), { 'Set-Cookie': setCookie }),
        '400': hbError('`email missing` or `password missing` (absent or empty).'),
        '401': hbError('`wrong password`.'),
        '403': hbError('A foreign `Origin` (login CSRF), with or without credentials: `Forbidden`.'),
        '404': hbError('`no user found for this email`, or `Not found` when `AUTH_TYPE` has no sessions.'),
        '429': hbJson('Too many password attempts.', ref('HbError'), { 'Retry-After': RETRY_AFTER }),
      },
    });
  const logout = (operationId: string, summary: string): Operation =>
    op({
      operationId,
      summary,
      description: "Ends the cookie's session (and the tokens minted from it) and clears the cookie.",
      write: true,
      responses: {
        '200': hbJson('Logged out: `{}`.', ref('HbEmpty'), { 'Set-Cookie': clearCookie }),
        '404': hbError('Authenticated without a session cookie (Basic or Bearer), so there is no session to end, or `AUTH_TYPE` has no sessions: `Not found`.'),
      },
    });
  const user = hbJson('The user.', ref('HbUser'));
  const notFound = hbError('No user with that id: `Not found`.');
  return {
    [`${PREFIX}/status`]: {
      get: op({ operationId: 'hbStatus', summary: 'Status (HB)', open: true, responses: { '200': hbJson('Up.', { const: { status: 'OK' } }) } }),
    },
    [`${PREFIX}/stats`]: {
      get: op({ operationId: 'hbStats', summary: 'Count users (HB)', responses: { '200': hbJson('The number of users.', ref('HbStats')) } }),
    },
    [`${PREFIX}/unauthorized`]: {
      get: op({ operationId: 'hbUnauthorized', summary: 'Always 401 (HB)', open: true, responses: { '401': hbError('`Unauthorized`.') } }),
    },
    [`${PREFIX}/forbidden`]: {
      get: op({ operationId: 'hbForbidden', summary: 'Always 403 (HB)', open: true, responses: { '403': hbError('`Forbidden`.') } }),
    },
    [`${PREFIX}/users`]: {
      get: op({ operationId: 'hbListUsers', summary: 'List users (HB)', responses: { '200': hbJson('Every user.', { type: 'array', items: ref('HbUser') }) } }),
      post: op({
        operationId: 'hbCreateUser',
        summary: 'Create a user (HB)',
        write: true,
        body: jsonBody(ref('HbNewUser'), '`Content-Type: application/json` is required.'),
        responses: { '201': hbJson('Created.', ref('HbUser')), '400': hbError(WRONG_FORMAT) },
      }),
    },
    [`${PREFIX}/users/me`]: {
      get: op({ operationId: 'hbMe', summary: 'The signed-in user (HB)', responses: { '200': hbJson('The current user.', ref('HbUser')) } }),
    },
    [`${PREFIX}/users/{id}`]: {
      get: op({ operationId: 'hbGetUser', summary: 'Get a user (HB)', uuidPath: true, responses: { '200': user, '404': notFound } }),
      put: op({
        operationId: 'hbUpdateUser',
        summary: 'Change your own names (HB)',
        write: true,
        uuidPath: true,
        body: jsonBody(ref('HbNamePatch'), '`Content-Type: application/json` is required.'),
        responses: {
          '200': hbJson('The user as stored.', ref('HbUser')),
          '400': hbError("`Wrong format`, or `Can't update User: …`."),
          '403': hbError(`Another user (decision 7), refused credentials, or ${CROSS_SITE}: \`Forbidden\`.`),
          '404': notFound,
        },
      }),
      delete: op({
        operationId: 'hbDeleteUser',
        summary: 'Delete your own user (HB)',
        write: true,
        uuidPath: true,
        responses: {
          '200': hbJson('Deleted: `{}`.', ref('HbEmpty')),
          '403': hbError(`Another user (decision 7), refused credentials, or ${CROSS_SITE}: \`Forbidden\`.`),
          '404': notFound,
        },
      }),
    },
    [`${PREFIX}/auth_session/login`]: { post: login('hbLogin', 'Log in with a form: opens a session (HB)') },
    [`${PREFIX}/auth_session/logout`]: { delete: logout('hbLogout', 'Log out: ends the session (HB)') },
    [`${PREFIX}/auth_session`]: {
      post: login('hbLoginAlias', "Log in (HB, the seed's alias of /auth_session/login)"),
      delete: logout('hbLogoutAlias', "Log out (HB, the seed's alias of /auth_session/logout)"),
    },
  };
}
