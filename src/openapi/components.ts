import type { Config } from '../config';
import type { Header, JsonSchema, Parameter, RequestBody, ResponseObject, SecurityRequirement } from './types';

// What the three dialects' operations share: schemas, security schemes, and builders for the
// responses every dialect gives in its own shape.

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const text = { type: 'string' } as const;
const closed = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export function jsonResponse(description: string, schema: JsonSchema, headers?: Record<string, Header>): ResponseObject {
  return { description, ...(headers && { headers }), content: { 'application/json': { schema } } };
}

export const jsonBody = (schema: JsonSchema, description?: string): RequestBody => ({
  required: true,
  ...(description && { description }),
  content: { 'application/json': { schema } },
});

export const RETRY_AFTER: Header = { description: 'Seconds to wait before the next attempt.', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } };
export const LOCATION: Header = {
  description: "The new resource's absolute URL: `http://` + the request's Host + path (Flask's style).",
  required: true,
  schema: { type: 'string', format: 'uri' },
};

/** Operations that accept any of the three credentials (decision 2). */
export const ANY_CREDENTIAL: SecurityRequirement[] = [{ basicAuth: [] }, { bearerAuth: [] }, { sessionCookie: [] }];
export const PUBLIC: SecurityRequirement[] = [];

export function intIdParameter(resource: string): Parameter {
  return {
    name: 'id',
    in: 'path',
    required: true,
    description: `The ${resource}'s integer id. Flask's \`<int:id>\`: ASCII digits only; anything else is a 404.`,
    schema: { type: 'integer', minimum: 0 },
  };
}

export function schemas(config: Config): Record<string, JsonSchema> {
  const flaskError = closed({ error: { ...text, description: "Werkzeug's reason phrase" }, message: text }, ['error']);
  return {
    // Shared by RA and TX: one user store, one handler (decisions 3 and 4).
    User: {
      ...closed({
        id: { type: 'integer', minimum: 1, description: 'What TX clients read.' },
        name: { ...text, description: 'The username, under the name TX uses.' },
        username: { ...text, description: 'The username, under the name RA uses.' },
      }),
      description: 'A user as RA and TX show it: `name` and `username` are the same value.',
    },
    NewUserRa: {
      ...closed({ username: { ...text, minLength: 2 }, password: { ...text, minLength: config.passwordMinLength } }),
      title: 'RA registration',
    },
    NewUserTx: {
      ...closed(
        {
          name: { ...text, minLength: 2 },
          password: { ...text, minLength: config.passwordMinLength },
          id: { type: 'integer', description: 'Refused when given (TX: 400 without a message).' },
        },
        ['name', 'password'],
      ),
      title: 'TX registration',
    },
    ReplaceUser: {
      ...closed(
        {
          name: { ...text, minLength: 2 },
          username: { ...text, minLength: 2, description: 'Another name for `name`; when both are given they must agree.' },
          password: { ...text, minLength: config.passwordMinLength },
          id: { type: 'integer', description: 'Optional; must equal the path id.' },
        },
        ['password'],
      ),
      description: 'The whole user: `name` (or `username`) and `password`. A new password needs a fresh access token or Basic with the current password.',
    },
    Ship: closed({
      affiliation: text,
      category: text,
      crew: { type: 'integer', minimum: 1 },
      id: { type: 'integer', minimum: 1 },
      length: { type: 'integer', minimum: 1 },
      manufacturer: text,
      model: text,
      roles: { type: 'array', items: text },
      ship_class: text,
    }),
    ShipInput: {
      ...closed(
        {
          affiliation: text,
          category: text,
          crew: { type: 'integer', minimum: 1 },
          length: { type: 'integer', minimum: 1 },
          manufacturer: text,
          model: text,
          roles: { type: 'array', items: text },
          ship_class: text,
          id: { type: 'integer', description: 'POST: refused when given. PUT: optional, must equal the path id.' },
        },
        ['affiliation', 'category', 'crew', 'length', 'manufacturer', 'model', 'roles', 'ship_class'],
      ),
      description: "A full ship (marshmallow's rules, spec §2.2.1): numeric strings are accepted for the integers and floats truncated.",
    },
    RaToken: closed({
      duration: { type: 'integer', description: 'Seconds the token lives (`TOKEN_DURATION`).', const: config.accessTokenSeconds },
      token: { ...text, description: 'An access JWT; send it as the Basic username (any password) or as a Bearer token.' },
    }),
    RaResource: closed({ data: { ...text, examples: ['Hello, user!'] } }),
    RaError: { ...flaskError, description: "RA's JSON errors for what Flask itself refuses (too large, bad encoding, throttled)." },
    TxLogin: closed({ username: text, password: text }),
    TxTokens: closed({ access_token: text, refresh_token: text }),
    TxAccessToken: closed({ access_token: text }),
    TxMessage: closed({ message: { const: 'Successfully logged out.' } }),
    TxError: {
      ...flaskError,
      description: 'TX\'s errors: the app\'s `{"error": <reason phrase>, "message"?: …}` and flask-jwt-extended\'s `{"error": <message>}`.',
    },
    TxValidationError: {
      ...closed({ error: { const: 'Bad Request' }, message: ref('MarshmallowMessages') }),
      description: "marshmallow's validation errors (spec §2.2.1), every field's at once.",
    },
    MarshmallowMessages: {
      type: 'object',
      description: 'Field name → messages; a list field reports its items by index.',
      additionalProperties: {
        oneOf: [
          { type: 'array', items: text, minItems: 1 },
          { type: 'object', additionalProperties: { type: 'array', items: text, minItems: 1 } },
        ],
      },
    },
    HbUser: closed({
      id: { type: 'string', format: 'uuid' },
      email: { type: ['string', 'null'] },
      first_name: { type: ['string', 'null'] },
      last_name: { type: ['string', 'null'] },
      created_at: ref('HbTimestamp'),
      updated_at: ref('HbTimestamp'),
    }),
    HbTimestamp: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$', description: 'UTC, `YYYY-MM-DD HH:MM:SS`.' },
    HbNewUser: {
      type: 'object',
      properties: {
        email: { ...text, format: 'email' },
        password: { ...text, minLength: config.passwordMinLength },
        first_name: { type: ['string', 'null'] },
        last_name: { type: ['string', 'null'] },
      },
      required: ['email', 'password'],
    },
    HbNamePatch: {
      type: 'object',
      description: 'Only `first_name` and `last_name` are read, each only when present and not null; other keys are ignored.',
      properties: { first_name: { type: ['string', 'null'] }, last_name: { type: ['string', 'null'] } },
    },
    HbLoginForm: {
      type: 'object',
      properties: { email: text, password: text },
      required: ['email', 'password'],
    },
    HbStats: closed({ users: { type: 'integer', minimum: 0 } }),
    HbEmpty: closed({}),
    HbError: { ...closed({ error: text }), description: 'HB\'s errors: `{"error": …}`.' },
    HealthStatus: closed({ status: { enum: ['ok', 'ready', 'unavailable'] } }),
  };
}

export function securitySchemes(config: Config): Record<string, unknown> {
  return {
    basicAuth: {
      type: 'http',
      scheme: 'basic',
      description:
        'A username or email with its password, or an access token as the username (the password is then ignored). Password checks are throttled (429 with Retry-After).',
    },
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token (from `/auth/login`, `/auth/refresh`, `/api/token` or GraphQL), or a refresh token on the refresh-only operations.',
    },
    sessionCookie: {
      type: 'apiKey',
      in: 'cookie',
      name: config.sessionName,
      description: 'The session cookie set by `POST /api/v1/auth_session/login` (and GraphQL `openSession`). Read only when no `Authorization` header is sent.',
    },
  };
}
