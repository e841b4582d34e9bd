import http from 'node:http';
import { parse as parseUrl } from 'node:url';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';

// Building blocks of test/fuzz.test.ts: symbolic requests (what fast-check generates and prints),
// their materialisation into bytes with the real credentials of one server, a raw HTTP client that
// sends them verbatim, and the checks every answer must pass.
//
// Requests are generated symbolically (`{ kind: 'token', which: 'userAccess', tamper: ... }`), not
// as the final header strings, so a seed reproduces the same cases against a fresh server whose
// tokens and session ids differ.

// ---------------------------------------------------------------------------------------------
// Credentials of the running server, made in beforeAll.

export const TOKEN_NAMES = [
  'userAccess',
  'userRefresh',
  'guestAccess',
  'guestRefresh',
  'bobAccess',
  'expiredAccess',
  'revokedAccess',
  'goneAccess',
  'goneRefresh',
] as const;
export type TokenName = (typeof TOKEN_NAMES)[number];

export interface RealCredentials {
  tokens: Record<TokenName, string>;
  /** Raw session ids (cookie values). */
  sessions: { bob: string; user: string; closed: string };
  bobUuid: string;
  sessionName: string;
}

export const KNOWN_PAIRS: [string, string][] = [
  ['user', 'password'],
  ['guest', 'guest'],
  ['bob@hbtn.io', 'H0lbertonSchool98!'],
  ['user', 'wrong'],
  ['bob@hbtn.io', 'nope'],
  ['nobody', 'password'],
  ['', ''],
];

// ---------------------------------------------------------------------------------------------
// Symbolic requests.

export type Tamper =
  | { kind: 'none' }
  | { kind: 'flip'; segment: 0 | 1 | 2; at: number }
  | { kind: 'truncate'; keep: number }
  | { kind: 'algNone' }
  | { kind: 'alg'; alg: string }
  | { kind: 'header'; json: string }
  | { kind: 'payload'; json: string }
  | { kind: 'dropSignature' }
  | { kind: 'extraSegment' }
  | { kind: 'pad' }
  | { kind: 'swapPayload'; from: TokenName };

export type AuthSpec =
  | { kind: 'none' }
  | { kind: 'pair'; scheme: string; pair: [string, string] }
  | { kind: 'token'; scheme: string; which: TokenName; tamper: Tamper; password: string }
  | { kind: 'raw'; value: string };

export type CookieValue = { kind: 'session'; which: keyof RealCredentials['sessions'] } | { kind: 'text'; value: string };
export interface CookieSpec {
  name: string;
  value: CookieValue;
  quoted: boolean;
}

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'form'; fields: [string, string][] }
  | { kind: 'multipart'; boundary: string; declared: string; parts: [string, string][]; broken: 'none' | 'noClose' | 'noHeaders' | 'garbage' }
  | { kind: 'oversize'; extra: number; fill: 'json' | 'form' | 'x' }
  | { kind: 'deep'; depth: number; open: string; close: string };

export type EncodingSpec = 'none' | 'gzip' | 'deflate' | 'br' | 'fake-gzip' | 'identity' | 'junk';

export interface RequestSpec {
  method: string;
  path: string;
  auth: AuthSpec;
  cookies: CookieSpec[];
  /** Extra headers, by lower-case name. */
  headers: [string, string][];
  contentType: string | null;
  body: BodySpec;
  encoding: EncodingSpec;
  /** Send without Content-Length (Transfer-Encoding: chunked). */
  chunked: boolean;
}

export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  chunked: boolean;
}

// ---------------------------------------------------------------------------------------------
// Materialisation.

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** Header values must be bytes 0x20-0xFF (and tab): send text as its UTF-8 bytes, minus controls. */
export function headerSafe(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('latin1')
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, '');
}

function tamper(token: string, spec: Tamper, tokens: Record<TokenName, string>): string {
  const parts = token.split('.');
  switch (spec.kind) {
    case 'none':
      return token;
    case 'flip': {
      const segment = parts[spec.segment] ?? '';
      if (segment.length === 0) return token;
      const at = spec.at % segment.length;
      const c = segment[at]!;
      parts[spec.segment] = segment.slice(0, at) + (c === 'A' ? 'B' : 'A') + segment.slice(at + 1);
      return parts.join('.');
    }
    case 'truncate':
      return token.slice(0, spec.keep % (token.length + 1));
    case 'algNone':
      return `${b64url('{"alg":"none","typ":"at+jwt"}')}.${parts[1]}.`;
    case 'alg':
      return `${b64url(JSON.stringify({ alg: spec.alg, typ: 'at+jwt' }))}.${parts[1]}.${parts[2]}`;
    case 'header':
      return `${b64url(spec.json)}.${parts[1]}.${parts[2]}`;
    case 'payload':
      return `${parts[0]}.${b64url(spec.json)}.${parts[2]}`;
    case 'dropSignature':
      return `${parts[0]}.${parts[1]}.`;
    case 'extraSegment':
      return `${token}.${parts[2]}`;
    case 'pad':
      return `${parts[0]}==.${parts[1]}=.${parts[2]}`;
    case 'swapPayload':
      return `${parts[0]}.${tokens[spec.from].split('.')[1]}.${parts[2]}`;
  }
}

function authorization(spec: AuthSpec, creds: RealCredentials): string | null {
  switch (spec.kind) {
    case 'none':
      return null;
    case 'raw':
      return headerSafe(spec.value);
    case 'pair':
      return `${spec.scheme} ${Buffer.from(`${spec.pair[0]}:${spec.pair[1]}`, 'utf8').toString('base64')}`;
    case 'token': {
      const token = tamper(creds.tokens[spec.which], spec.tamper, creds.tokens);
      if (spec.scheme.toLowerCase().startsWith('basic')) {
        return `${spec.scheme} ${Buffer.from(`${token}:${spec.password}`, 'latin1').toString('base64')}`;
      }
      return headerSafe(`${spec.scheme} ${token}`);
    }
  }
}

function cookieHeader(cookies: CookieSpec[], creds: RealCredentials): string | null {
  if (cookies.length === 0) return null;
  return headerSafe(
    cookies
      .map(({ name, value, quoted }) => {
        const text = value.kind === 'session' ? creds.sessions[value.which] : value.value;
        return `${name === '$session' ? creds.sessionName : name}=${quoted ? `"${text}"` : text}`;
      })
      .join('; '),
  );
}

function multipart(spec: Extract<BodySpec, { kind: 'multipart' }>): Buffer {
  const lines: string[] = [];
  if (spec.broken === 'garbage') return Buffer.from(`--${spec.boundary}\r\n\x00\xff garbage`, 'latin1');
  for (const [name, value] of spec.parts) {
    lines.push(`--${spec.boundary}`);
    if (spec.broken !== 'noHeaders') lines.push(`Content-Disposition: form-data; name="${name}"`);
    lines.push('', value);
  }
  if (spec.broken !== 'noClose') lines.push(`--${spec.boundary}--`);
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

function bodyBytes(spec: BodySpec, limit: number): Buffer | null {
  switch (spec.kind) {
    case 'none':
      return null;
    case 'json':
      return Buffer.from(JSON.stringify(spec.value) ?? 'null', 'utf8');
    case 'text':
      return Buffer.from(spec.text, 'utf8');
    case 'bytes':
      return Buffer.from(spec.bytes);
    case 'form':
      return Buffer.from(spec.fields.map(([k, v]) => `${k}=${v}`).join('&'), 'utf8');
    case 'multipart':
      return multipart(spec);
    case 'oversize': {
      const size = limit + spec.extra;
      if (spec.fill === 'json') return Buffer.from(`{"query":"${'a'.repeat(size - 13)}"}`.padEnd(size, ' '));
      if (spec.fill === 'form') return Buffer.from(`email=${'b'.repeat(size - 6)}`);
      return Buffer.alloc(size, 'x');
    }
    case 'deep':
      return Buffer.from(spec.open.repeat(spec.depth) + spec.close.repeat(spec.depth));
  }
}

function encode(body: Buffer | null, encoding: EncodingSpec): { body: Buffer | null; header: string | null } {
  if (encoding === 'none') return { body, header: null };
  const raw = body ?? Buffer.alloc(0);
  switch (encoding) {
    case 'gzip':
      return { body: gzipSync(raw), header: 'gzip' };
    case 'deflate':
      return { body: deflateSync(raw), header: 'deflate' };
    case 'br':
      return { body: brotliCompressSync(raw), header: 'br' };
    case 'fake-gzip':
      return { body: raw, header: 'gzip' };
    case 'identity':
      return { body, header: 'identity' };
    case 'junk':
      return { body, header: 'x-junk, gzip' };
  }
}

export function materialize(spec: RequestSpec, creds: RealCredentials, bodyLimit: number): WireRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of spec.headers) headers[name] = headerSafe(value);
  const auth = authorization(spec.auth, creds);
  if (auth !== null) headers.authorization = auth;
  const cookie = cookieHeader(spec.cookies, creds);
  if (cookie !== null) headers.cookie = cookie;
  if (spec.contentType !== null) headers['content-type'] = headerSafe(spec.contentType);
  let body = bodyBytes(spec.body, bodyLimit);
  if (spec.body.kind === 'multipart' && spec.contentType === null) {
    headers['content-type'] = `multipart/form-data; boundary=${spec.body.declared}`;
  }
  const encoded = encode(body, spec.encoding);
  body = encoded.body;
  if (encoded.header !== null) headers['content-encoding'] = encoded.header;
  const path = spec.path.replace('$bob', creds.bobUuid);
  return { method: spec.method, path, headers, body, chunked: spec.chunked && body !== null };
}

// ---------------------------------------------------------------------------------------------
// Sending.

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * Sends the request exactly as given (method, path and headers verbatim) on a fresh connection, so
 * no case depends on the connection state a previous one left.
 */
export function send(baseUrl: string, request: WireRequest): Promise<WireResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // The Host sent is part of the case (checks read it), so it is always explicit.
    request.headers.host ??= url.host;
    const headers: Record<string, string> = { ...request.headers };
    if (request.body !== null && !request.chunked) headers['content-length'] = String(request.body.length);
    let answered = false;
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent: false, setHost: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', (error) => {
      // The server may answer (413, 411) and close before the upload is done: the answer counts.
      if (!answered) reject(new Error(`no answer: ${String(error)}`));
    });
    if (request.body !== null) {
      if (request.chunked) req.setHeader('transfer-encoding', 'chunked');
      req.end(request.body);
    } else {
      req.end();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Checks.

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The path Express routes on: parseurl's, which is Node's legacy url.parse (absolute-form included). */
export function routedPath(path: string): string {
  return parseUrl(path).pathname ?? '';
}

/** Yoga's paths: exactly /graphql or /graphql/, case-sensitively; the rest get the app's JSON 404. */
export const isGraphQLPath = (path: string) => /^\/graphql\/?$/.test(routedPath(path));
export const isRaPath = (path: string) => ['/api/token', '/api/resource'].includes(routedPath(path));

export function describeWire(request: WireRequest, response?: WireResponse): string {
  const lines = [`${request.method} ${request.path}`];
  for (const [name, value] of Object.entries(request.headers))
    lines.push(`${name}: ${value.length > 300 ? `${value.slice(0, 300)}…(${value.length})` : value}`);
  if (request.body !== null) {
    const text = request.body.toString('utf8');
    lines.push(`[body ${request.body.length} bytes${request.chunked ? ', chunked' : ''}] ${text.length > 500 ? `${text.slice(0, 500)}…` : text}`);
  }
  if (response) {
    lines.push('---', `${response.status} ${response.headers['content-type'] ?? '(no content-type)'}`, response.text.slice(0, 1000));
  }
  return lines.join('\n');
}

/** The JSON documents of a GraphQL answer in any of the framings a client may negotiate. */
function graphqlDocuments(response: WireResponse): unknown[] | null {
  const type = mediaType(response.headers['content-type']);
  const parse = (text: string) => {
    try {
      return [JSON.parse(text) as unknown];
    } catch {
      return [];
    }
  };
  if (type === 'application/json' || type === 'application/graphql-response+json') {
    const docs = parse(response.text);
    return docs.length === 1 ? docs : null;
  }
  if (type === 'text/event-stream') {
    return response.text
      .split('\n')
      .filter((line) => line.startsWith('data:') && line.slice(5).trim() !== '')
      .flatMap((line) => parse(line.slice(5).trim()));
  }
  if (type === 'multipart/mixed') {
    return response.text.split(/\r\n-{3,}/).flatMap((part) => parse(part.slice(part.indexOf('\r\n\r\n') + 4)));
  }
  return null;
}

const hasErrorsArray = (doc: unknown): boolean => {
  if (typeof doc !== 'object' || doc === null) return false;
  const { errors } = doc as { errors?: unknown };
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string')
  );
};

/** A resolver's unexpected exception, which Yoga masks into a 200 with this message. */
const MASKED = 'Unexpected error.';

/** Every invariant of one exchange; returns the problems found (empty when all hold). */
export function problemsOf(request: WireRequest, response: WireResponse): string[] {
  const problems: string[] = [];
  const { status } = response;
  const type = mediaType(response.headers['content-type']);
  const noBody = request.method.toUpperCase() === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200);
  if (status >= 500 || status < 100) problems.push(`status ${status}`);

  // Whatever says it is JSON must be JSON.
  if (!noBody && (type === 'application/json' || type.endsWith('+json'))) {
    try {
      JSON.parse(response.text);
    } catch {
      problems.push(`${type} body does not parse`);
    }
  }

  if (isGraphQLPath(request.path)) {
    if (!noBody && type !== 'text/html') {
      const docs = graphqlDocuments(response);
      if (docs?.some((doc) => JSON.stringify(doc).includes(`"message":"${MASKED}"`))) problems.push('masked internal error');
    }
    if (status >= 400 && !noBody) {
      const docs = graphqlDocuments(response);
      if (docs === null) problems.push(`GraphQL error is ${type || 'untyped'}, not JSON`);
      else if (!docs.some(hasErrorsArray)) problems.push('GraphQL error without an errors array');
    } else if (
      status >= 400 &&
      !['application/json', 'application/graphql-response+json'].includes(type) &&
      !(type !== '' && (request.headers.accept ?? '').includes(type))
    ) {
      problems.push(`GraphQL error (HEAD) typed ${type || 'nothing'}`);
    }
  } else if (status >= 400) {
    const ra401 =
      status === 401 &&
      isRaPath(request.path) &&
      response.headers['www-authenticate'] === 'Basic realm="Authentication Required"' &&
      response.headers['content-type'] === 'text/html; charset=utf-8' &&
      (noBody || response.text === 'Unauthorized Access');
    if (!ra401) {
      if (type !== 'application/json') problems.push(`error typed ${type || 'nothing'}, not application/json`);
      else if (!noBody) {
        let body: unknown;
        try {
          body = JSON.parse(response.text);
        } catch {
          body = undefined;
        }
        if (typeof body !== 'object' || body === null || typeof (body as { error?: unknown }).error !== 'string') {
          problems.push('JSON error body without a string "error"');
        }
      }
    }
  }
  if (status === 429 && response.headers['retry-after'] === undefined) problems.push('429 without Retry-After');

  return problems;
}

// ---------------------------------------------------------------------------------------------
// Generators shared by the properties.

/** encodeURIComponent for any string: lone surrogates become U+FFFD. */
const encodeAny = (text: string) => encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\ufffd'));

const weighted = <T>(...entries: [number, fc.Arbitrary<T>][]) => fc.oneof(...entries.map(([weight, arbitrary]) => ({ weight, arbitrary })));

/** The arbitrary's value one time in `oneIn`, else null. */
const sometimes = <T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> => weighted<T | null>([oneIn - 1, fc.constant(null)], [1, arbitrary]);

/** Methods Node's HTTP parser accepts (unknown tokens never reach the app: see the report). */
export const methodArb: fc.Arbitrary<string> = weighted(
  [10, fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE')],
  [3, fc.constantFrom('OPTIONS', 'HEAD')],
  [2, fc.constantFrom('PROPFIND', 'MKCOL', 'PURGE', 'TRACE', 'SEARCH', 'REPORT', 'M-SEARCH', 'LOCK', 'COPY', 'MOVE', 'LINK', 'QUERY', 'SOURCE')],
  [1, fc.constantFrom('get', 'post', 'Delete')],
);

/** Text that stresses parsers: unicode, controls, quotes, percent signs, long runs. */
export const nastyString: fc.Arbitrary<string> = weighted(
  [4, fc.string({ maxLength: 24 })],
  [3, fc.string({ unit: 'grapheme', maxLength: 24 })],
  [2, fc.string({ unit: 'binary', maxLength: 24 })],
  [
    3,
    fc.constantFrom(
      '',
      ' ',
      'null',
      'NaN',
      'Infinity',
      '-0',
      '1e400',
      '0x10',
      '%zz',
      '%00',
      '\u0000',
      '\ud800',
      '\u202e',
      '𝔘𝔫𝔦',
      '"',
      "'",
      '\\',
      '{"a":1}',
      '[]',
      '__proto__',
      'constructor',
      "' OR 1=1 --",
      '../../etc/passwd',
      'bob@hbtn.io',
      'user',
      'password',
      '   padded   ',
    ),
  ],
  [1, fc.nat({ max: 3000 }).map((n) => 'x'.repeat(n + 256))],
);

const idSegment: fc.Arbitrary<string> = weighted(
  [4, fc.integer({ min: 0, max: 20 }).map(String)],
  [1, fc.integer({ min: -1000, max: -1 }).map(String)],
  [1, fc.bigInt({ min: 2n ** 31n, max: 10n ** 40n }).map(String)],
  [
    2,
    fc.constantFrom(
      '9007199254740993',
      '1e3',
      '0x1',
      '01',
      '1.0',
      '%31',
      '%zz',
      '%',
      '%E0%A4%A',
      '%C0%AF',
      '%00',
      '%2F',
      '%D9%A1',
      'me',
      'me/',
      '.',
      '..',
      '$bob',
      'null',
      'undefined',
      '00000000-0000-4000-8000-000000000000',
      '__proto__',
    ),
  ],
  [1, fc.uuid()],
  [1, nastyString.map(encodeAny)],
  [1, fc.nat({ max: 6000 }).map((n) => '7'.repeat(n + 100))],
);

/** Every route and the methods it serves, plus a few paths nothing serves. */
const ROUTES: [string, string[]][] = [
  ['/api/v1/status', ['GET']],
  ['/api/v1/stats', ['GET']],
  ['/api/v1/unauthorized', ['GET']],
  ['/api/v1/forbidden', ['GET']],
  ['/api/v1/users', ['GET', 'POST']],
  ['/api/v1/users/me', ['GET']],
  ['/api/v1/users/:uuid', ['GET', 'PUT', 'DELETE']],
  ['/api/v1/auth_session/login', ['POST']],
  ['/api/v1/auth_session/logout', ['DELETE']],
  ['/api/v1/auth_session', ['POST', 'DELETE']],
  ['/auth/login', ['POST']],
  ['/auth/refresh', ['POST']],
  ['/auth/logout', ['DELETE']],
  ['/auth/logout2', ['DELETE']],
  ['/api/users', ['GET', 'POST']],
  ['/api/users/:id', ['GET', 'PUT', 'DELETE']],
  ['/api/ships', ['GET', 'POST']],
  ['/api/ships/:id', ['GET', 'PUT', 'DELETE']],
  ['/api/token', ['GET']],
  ['/api/resource', ['GET']],
  ['/graphql', ['GET', 'POST']],
];
const UNROUTED = ['/', '/api', '/api/v1', '/api/v2/users', '/favicon.ico', '/auth', '/api/users/1/ships'];

type PathMutation =
  | { kind: 'trailingSlash' | 'doubleSlash' | 'dot' | 'dotdot' | 'upper' | 'hash' | 'absolute' }
  | { kind: 'query'; q: string }
  | { kind: 'encode'; at: number }
  | { kind: 'long'; n: number };

function mutatePath(path: string, mutation: PathMutation): string {
  switch (mutation.kind) {
    case 'trailingSlash':
      return `${path}/`;
    case 'doubleSlash':
      return path.replace(/\//g, '//');
    case 'dot':
      return path.replace(/\/([^/]*)$/, '/./$1');
    case 'dotdot':
      return `${path}/../${path.split('/').pop() ?? ''}`;
    case 'upper':
      return path.toUpperCase();
    case 'hash':
      return `${path}#frag`;
    case 'absolute':
      return `http://evil.example${path}`;
    case 'query':
      return `${path}?${mutation.q}`;
    case 'encode': {
      if (path.length < 2) return path;
      const at = 1 + (mutation.at % (path.length - 1));
      const c = path[at]!;
      return c === '/' ? path : `${path.slice(0, at)}%${c.charCodeAt(0).toString(16).padStart(2, '0')}${path.slice(at + 1)}`;
    }
    case 'long':
      return `${path}/${'a'.repeat(mutation.n)}`;
  }
}

const pathMutationArb: fc.Arbitrary<PathMutation> = weighted<PathMutation>(
  [
    1,
    fc.constantFrom<PathMutation>(
      { kind: 'trailingSlash' },
      { kind: 'doubleSlash' },
      { kind: 'dot' },
      { kind: 'dotdot' },
      { kind: 'upper' },
      { kind: 'hash' },
      { kind: 'absolute' },
    ),
  ],
  [1, nastyString.map((s) => ({ kind: 'query' as const, q: encodeURI(s.replace(/\p{Surrogate}/gu, '')).replace(/#/g, '%23') }))],
  [1, fc.nat().map((at) => ({ kind: 'encode' as const, at }))],
  [1, fc.nat({ max: 7000 }).map((n) => ({ kind: 'long' as const, n }))],
);

/** Encodes anything outside the request-target characters Node accepts, like a client would. */
export function targetSafe(path: string): string {
  return path.replace(/[^\x21-\x7e]/gu, encodeAny);
}

/** A method and a path: mostly a route with one of its own methods, sometimes anything. */
export const restTargetArb: fc.Arbitrary<{ method: string; path: string }> = weighted(
  [
    12,
    fc
      .tuple(
        fc.constantFrom(...ROUTES),
        fc.nat(),
        weighted([3, fc.constant(null)], [1, methodArb]),
        weighted<string>([3, fc.constantFrom('$bob', '1', '2', '3', '4', '5', '15')], [2, idSegment]),
        weighted<PathMutation[]>([4, fc.constant([])], [1, fc.array(pathMutationArb, { minLength: 1, maxLength: 2 })]),
      )
      .map(([[route, methods], pick, method, id, mutations]) => ({
        method: method ?? methods[pick % methods.length]!,
        path: mutations.reduce((path, mutation) => mutatePath(path, mutation), route.replace(/:uuid|:id/, id)),
      })),
  ],
  [
    1,
    fc
      .tuple(
        methodArb,
        weighted(
          [1, fc.constantFrom(...UNROUTED)],
          [
            1,
            fc
              .array(fc.constantFrom('api', 'v1', 'users', 'ships', 'auth', 'token', '..', '.', '', '%2e%2e', 'graphql', '%zz'), { maxLength: 6 })
              .map((parts) => `/${parts.join('/')}`),
          ],
          [1, fc.string({ unit: 'grapheme', maxLength: 40 }).map((s) => `/${s}`)],
        ),
      )
      .map(([method, path]) => ({ method, path })),
  ],
).map(({ method, path }) => ({ method, path: targetSafe(path) }));

const tokenNameArb = fc.constantFrom(...TOKEN_NAMES);

const tamperArb: fc.Arbitrary<Tamper> = weighted<Tamper>(
  [6, fc.constant({ kind: 'none' })],
  [2, fc.record({ kind: fc.constant('flip' as const), segment: fc.constantFrom(0 as const, 1 as const, 2 as const), at: fc.nat() })],
  [1, fc.record({ kind: fc.constant('truncate' as const), keep: fc.nat() })],
  [1, fc.constant({ kind: 'algNone' })],
  [1, fc.record({ kind: fc.constant('alg' as const), alg: fc.constantFrom('HS512', 'RS256', 'none', 'NONE', '', 'ES256') })],
  [
    1,
    fc.record({
      kind: fc.constant('header' as const),
      json: weighted([1, fc.json()], [1, fc.constantFrom('{', '[]', '"x"', '{"alg":"HS256"}', '{"alg":"HS256","typ":"rt+jwt"}', '\u00ff')]),
    }),
  ],
  [
    1,
    fc.record({
      kind: fc.constant('payload' as const),
      json: weighted(
        [1, fc.json()],
        [
          1,
          fc
            .record(
              {
                sub: fc.oneof(fc.uuid(), fc.jsonValue()),
                exp: fc.oneof(fc.integer(), fc.double(), fc.string()),
                iat: fc.jsonValue(),
                nbf: fc.jsonValue(),
                type: fc.constantFrom('access', 'refresh', 'x'),
                ver: fc.jsonValue(),
                fam: fc.jsonValue(),
                jti: fc.jsonValue(),
              },
              { requiredKeys: [] },
            )
            .map((o) => JSON.stringify(o)),
        ],
      ),
    }),
  ],
  [1, fc.constantFrom<Tamper>({ kind: 'dropSignature' }, { kind: 'extraSegment' }, { kind: 'pad' })],
  [1, tokenNameArb.map((from) => ({ kind: 'swapPayload' as const, from }))],
);

const schemeArb = weighted(
  [8, fc.constantFrom('Bearer', 'Basic')],
  [1, fc.constantFrom('bearer', 'BASIC', 'Bearer ', 'Bearer\t', 'Digest', 'JWT', 'Token', '')],
);

export const authArb: fc.Arbitrary<AuthSpec> = weighted<AuthSpec>(
  [5, fc.constant({ kind: 'none' })],
  [
    4,
    fc.record({
      kind: fc.constant('token' as const),
      scheme: fc.constant('Bearer'),
      which: fc.constantFrom<TokenName>('userAccess', 'guestAccess', 'bobAccess'),
      tamper: fc.constant({ kind: 'none' as const }),
      password: fc.constant('x'),
    }),
  ],
  [
    4,
    fc.record({
      kind: fc.constant('token' as const),
      scheme: schemeArb,
      which: tokenNameArb,
      tamper: tamperArb,
      password: weighted([3, fc.constant('x')], [1, nastyString]),
    }),
  ],
  [
    3,
    fc.record({
      kind: fc.constant('pair' as const),
      scheme: weighted([6, fc.constant('Basic')], [1, fc.constantFrom('basic', 'Bearer', 'Basic  ')]),
      pair: weighted([3, fc.constantFrom(...KNOWN_PAIRS)], [2, fc.tuple(nastyString, nastyString)]),
    }),
  ],
  [
    3,
    fc.record({
      kind: fc.constant('raw' as const),
      value: weighted(
        [2, fc.tuple(fc.constantFrom('Basic ', 'Bearer ', 'basic ', 'Bearer', 'Basic', 'Negotiate ', ''), nastyString).map(([s, v]) => s + v)],
        [1, fc.base64String({ maxLength: 80 }).map((v) => `Basic ${v}`)],
        [1, fc.uint8Array({ maxLength: 64 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`)],
        [1, fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.'), maxLength: 120 }).map((v) => `Bearer ${v}`)],
        [1, fc.nat({ max: 3000 }).map((n) => `Basic ${'QUFB'.repeat(n + 10)}`)],
        [
          1,
          fc.constantFrom(
            'Basic Og==',
            'Basic dXNlcg==',
            'Basic !!!!',
            'Basic test',
            'Bearer a.b.c',
            'Bearer ...',
            'Bearer e30.e30.',
            'Bearer a b',
            'Basic a b',
          ),
        ],
      ),
    }),
  ],
);

export const cookiesArb: fc.Arbitrary<CookieSpec[]> = weighted<CookieSpec[]>(
  [5, fc.constant([])],
  [
    4,
    fc.array(
      fc.record({
        name: weighted<string>([4, fc.constant('$session')], [1, fc.constantFrom('session', 'x', '_my_session_id ', '', 'a=b')]),
        value: weighted<CookieValue>(
          [3, fc.constantFrom<CookieValue>({ kind: 'session', which: 'bob' }, { kind: 'session', which: 'user' }, { kind: 'session', which: 'closed' })],
          [2, nastyString.map((value) => ({ kind: 'text' as const, value }))],
          [1, fc.nat({ max: 3000 }).map((n) => ({ kind: 'text' as const, value: 'c'.repeat(n) }))],
        ),
        quoted: fc.boolean(),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  ],
  [
    1,
    fc
      .nat({ max: 60 })
      .map((n) => Array.from({ length: n + 20 }, (_, i) => ({ name: `c${i}`, value: { kind: 'text' as const, value: String(i) }, quoted: false }))),
  ],
);

export const contentTypeArb: fc.Arbitrary<string | null> = weighted<string | null>(
  [4, fc.constant('application/json')],
  [2, fc.constant(null)],
  [
    3,
    fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json;charset="x"',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/graphql',
      'application/graphql-response+json',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=zz',
      'multipart/mixed; boundary=zz',
      'application/octet-stream',
      '*/*',
      ';;;',
      '',
      'application/json, text/plain',
      'json',
    ),
  ],
  [1, nastyString],
);

const FIELD_NAMES = [
  'username',
  'name',
  'password',
  'email',
  'first_name',
  'last_name',
  'id',
  'affiliation',
  'category',
  'crew',
  'length',
  'manufacturer',
  'model',
  'ship_class',
  'roles',
  '__proto__',
  'constructor',
  'query',
  'variables',
];

const fieldValueArb: fc.Arbitrary<unknown> = weighted<unknown>(
  [3, nastyString],
  [2, fc.jsonValue({ maxDepth: 2 })],
  [
    1,
    fc.constantFrom(
      0,
      -1,
      1,
      1.5,
      2 ** 53 + 2,
      1e308,
      -1e308,
      2 ** 31,
      '12_3',
      ' 7 ',
      '1e3',
      true,
      null,
      [],
      {},
      ['a', null, 3],
      'user',
      'guest',
      'password',
      'bob@hbtn.io',
    ),
  ],
  [1, fc.array(nastyString, { maxLength: 120 })],
);

const shipArb = fc.record({
  affiliation: nastyString,
  category: nastyString,
  crew: fieldValueArb,
  length: fieldValueArb,
  manufacturer: nastyString,
  model: nastyString,
  ship_class: nastyString,
  roles: fc.array(nastyString, { maxLength: 4 }),
});

/** Bodies a route would accept, so the fuzz also reaches the code after validation. */
const txUserBody = fc.record({ name: fc.stringMatching(/^[a-z]{2,12}$/), password: fc.constantFrom('secret1', 'password') });
const loginBody = fc.record({
  username: fc.constantFrom('user', 'guest', 'bob@hbtn.io'),
  password: fc.constantFrom('password', 'guest', 'H0lbertonSchool98!', 'wrong'),
});
const hbUserBody = fc.record({
  email: fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.io$/),
  password: fc.constant('pwd1'),
  first_name: fc.option(fc.string({ maxLength: 10 })),
  last_name: fc.option(fc.string({ maxLength: 10 })),
});
const hbNamesBody = fc.record({ first_name: fc.string({ maxLength: 20 }), last_name: fc.string({ maxLength: 20 }) }, { requiredKeys: [] });
const shipBody = fc.record(
  {
    affiliation: fc.constant('Rebel'),
    category: fc.constant('Fighter'),
    crew: fc.integer({ min: 1, max: 1000 }),
    length: fc.integer({ min: 1, max: 1000 }),
    manufacturer: fc.constant('Incom'),
    model: fc.string({ minLength: 1, maxLength: 20 }),
    ship_class: fc.constant('Starfighter'),
    roles: fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    id: fc.constantFrom(1, 2, 99),
  },
  { requiredKeys: ['affiliation', 'category', 'crew', 'length', 'manufacturer', 'model', 'ship_class', 'roles'] },
);
const validishBodyArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(txUserBody, loginBody, hbUserBody, hbNamesBody, shipBody);

function bodyForPath(path: string): fc.Arbitrary<BodySpec> {
  const json = (arb: fc.Arbitrary<Record<string, unknown>>) => arb.map((value): BodySpec => ({ kind: 'json', value }));
  if (path.startsWith('/api/v1/auth_session')) {
    return fc.constantFrom<BodySpec>(
      {
        kind: 'form',
        fields: [
          ['email', 'bob%40hbtn.io'],
          ['password', 'H0lbertonSchool98%21'],
        ],
      },
      {
        kind: 'form',
        fields: [
          ['email', 'bob%40hbtn.io'],
          ['password', 'x'],
        ],
      },
      {
        kind: 'form',
        fields: [
          ['email', 'x%40y.io'],
          ['password', 'x'],
        ],
      },
    );
  }
  if (path.startsWith('/api/v1/users/')) return json(hbNamesBody);
  if (path.startsWith('/api/v1/users')) return json(hbUserBody);
  if (path.startsWith('/api/users')) return json(txUserBody);
  if (path.startsWith('/api/ships')) return json(shipBody);
  if (path.startsWith('/auth/login')) return json(loginBody);
  return json(validishBodyArb);
}

export const bodyArb: fc.Arbitrary<BodySpec> = weighted<BodySpec>(
  [3, fc.constant({ kind: 'none' })],
  [4, fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValueArb, { maxKeys: 6 }).map((value) => ({ kind: 'json' as const, value }))],
  [
    2,
    fc
      .oneof(
        shipArb,
        fc.record({ username: nastyString, password: nastyString }),
        fc.record({ email: nastyString, password: nastyString, first_name: fieldValueArb }),
      )
      .map((value) => ({ kind: 'json' as const, value })),
  ],
  [2, validishBodyArb.map((value) => ({ kind: 'json' as const, value }))],
  [2, fc.jsonValue({ maxDepth: 4 }).map((value) => ({ kind: 'json' as const, value }))],
  [2, nastyString.map((text) => ({ kind: 'text' as const, text }))],
  [
    1,
    fc
      .constantFrom(
        '{',
        '{"a":',
        '[1,]',
        'NaN',
        '{"crew": NaN}',
        '{"crew": 1e999}',
        '\ufeff{}',
        '{"a":1}{"b":2}',
        '{"__proto__": {"admin": true}}',
        'true',
        '"x"',
        '1',
        'null',
      )
      .map((text) => ({ kind: 'text' as const, text })),
  ],
  [1, fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: 'bytes' as const, bytes }))],
  [
    2,
    fc
      .array(
        fc.tuple(
          fc.constantFrom('email', 'password', 'username', 'query', 'x', ''),
          weighted([2, fc.constantFrom('bob%40hbtn.io', 'H0lbertonSchool98%21', 'user', 'password', '%zz', '')], [1, nastyString]),
        ),
        { maxLength: 4 },
      )
      .map((fields) => ({ kind: 'form' as const, fields })),
  ],
  [
    1,
    fc.record({
      kind: fc.constant('multipart' as const),
      boundary: fc.constantFrom('zz', 'abc', ''),
      declared: fc.constantFrom('zz', 'abc', '', '"zz"', 'x'.repeat(100)),
      parts: fc.array(
        fc.tuple(
          fc.constantFrom('email', 'password', 'operations', 'map', '0', 'x'),
          fc.constantFrom('bob@hbtn.io', 'H0lbertonSchool98!', '{"query":"{__typename}"}', '{"0":["variables.file"]}', 'junk'),
        ),
        { maxLength: 4 },
      ),
      broken: fc.constantFrom('none' as const, 'noClose' as const, 'noHeaders' as const, 'garbage' as const),
    }),
  ],
  [
    1,
    fc.record({
      kind: fc.constant('oversize' as const),
      extra: weighted([3, fc.integer({ min: 1, max: 64 })], [1, fc.integer({ min: -2, max: 0 })]),
      fill: fc.constantFrom('json' as const, 'form' as const, 'x' as const),
    }),
  ],
  [
    1,
    fc.record({
      kind: fc.constant('deep' as const),
      depth: fc.integer({ min: 100, max: 40_000 }),
      open: fc.constantFrom('[', '{"a":', '{"roles":['),
      close: fc.constantFrom(']', '}', ']}'),
    }),
  ],
);

export const encodingArb: fc.Arbitrary<EncodingSpec> = weighted<EncodingSpec>(
  [12, fc.constant('none')],
  [1, fc.constantFrom<EncodingSpec>('gzip', 'deflate', 'br', 'fake-gzip', 'identity', 'junk')],
);

export const extraHeadersArb: fc.Arbitrary<[string, string][]> = fc
  .tuple(
    sometimes(
      fc.constantFrom(
        'application/json',
        'text/html',
        'image/png',
        '*/*',
        'application/graphql-response+json',
        'text/event-stream',
        'multipart/mixed',
        'garbage;;q=x',
        '',
      ),
      3,
    ),
    sometimes(weighted([2, fc.constantFrom('1.2.3.4', '::1', 'unknown', '1.2.3.4, 5.6.7.8', ',,,', '999.999.1.1', '[::1]:80')], [1, nastyString]), 4),
    sometimes(fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1', 'file://', 'https://app.example'), 4),
    sometimes(fc.constantFrom('evil.example', 'localhost:99999', '[::1]', 'a'.repeat(300), 'x y'), 8),
    sometimes(fc.constantFrom('*', '"abc"', 'W/"x"'), 10),
    sometimes(fc.constantFrom('GET', 'DELETE', 'FOO'), 8),
    sometimes(fc.constantFrom('1', 'true', ''), 4),
  )
  .map(([accept, xff, origin, host, ifNoneMatch, acrm, csrf]) => {
    const headers: [string, string][] = [];
    if (accept !== null) headers.push(['accept', accept]);
    if (xff !== null) headers.push(['x-forwarded-for', xff]);
    if (origin !== null) headers.push(['origin', origin]);
    if (host !== null) headers.push(['host', host]);
    if (ifNoneMatch !== null) headers.push(['if-none-match', ifNoneMatch]);
    if (acrm !== null) headers.push(['access-control-request-method', acrm], ['access-control-request-headers', 'X-Foo, content-type']);
    if (csrf !== null) headers.push(['x-graphql-yoga-csrf', csrf]);
    return headers;
  });

const randomRestRequestArb: fc.Arbitrary<RequestSpec> = fc
  .record({
    target: restTargetArb,
    auth: authArb,
    cookies: cookiesArb,
    headers: extraHeadersArb,
    contentType: contentTypeArb,
    body: bodyArb,
    encoding: encodingArb,
    chunked: fc.nat({ max: 15 }).map((n) => n === 0),
  })
  .map(({ target, ...rest }) => ({ ...target, ...rest }));

// ---------------------------------------------------------------------------------------------
// GraphQL: documents built from the schema's real field names, with random arguments, variables
// and framings.

type ArgType = 'Int' | 'Int!' | 'String' | 'String!' | 'ShipInput!' | 'ShipPatch!' | 'ShipFilter' | 'RegisterInput!' | 'UpdateUserInput!';

const QUERY_FIELDS: [string, [string, ArgType][]][] = [
  ['me', []],
  ['mySessions', []],
  ['ship', [['id', 'Int!']]],
  [
    'ships',
    [
      ['after', 'String'],
      ['filter', 'ShipFilter'],
      ['first', 'Int'],
    ],
  ],
  ['user', [['id', 'Int!']]],
  [
    'users',
    [
      ['after', 'String'],
      ['first', 'Int'],
    ],
  ],
];

const MUTATION_FIELDS: [string, [string, ArgType][]][] = [
  [
    'changePassword',
    [
      ['currentPassword', 'String!'],
      ['newPassword', 'String!'],
    ],
  ],
  ['closeSession', []],
  ['createShip', [['input', 'ShipInput!']]],
  ['deleteShip', [['id', 'Int!']]],
  [
    'login',
    [
      ['username', 'String!'],
      ['password', 'String!'],
    ],
  ],
  [
    'openSession',
    [
      ['username', 'String!'],
      ['password', 'String!'],
    ],
  ],
  ['refreshToken', [['refreshToken', 'String!']]],
  ['register', [['input', 'RegisterInput!']]],
  ['revokeSessions', [['id', 'Int']]],
  ['revokeToken', [['token', 'String!']]],
  ['updateMe', [['input', 'UpdateUserInput!']]],
  [
    'updateShip',
    [
      ['id', 'Int!'],
      ['input', 'ShipPatch!'],
    ],
  ],
];

const INPUT_FIELDS: Record<string, [string, ArgType][]> = {
  ShipInput: ['affiliation', 'category', 'manufacturer', 'model', 'shipClass']
    .map((f) => [f, 'String!'] as [string, ArgType])
    .concat([
      ['crew', 'Int!'],
      ['length', 'Int!'],
    ]),
  ShipPatch: ['affiliation', 'category', 'manufacturer', 'model', 'shipClass']
    .map((f) => [f, 'String'] as [string, ArgType])
    .concat([
      ['crew', 'Int'],
      ['length', 'Int'],
    ]),
  ShipFilter: ['affiliation', 'category', 'manufacturer', 'modelContains', 'shipClass'].map((f) => [f, 'String'] as [string, ArgType]),
  RegisterInput: [
    ['username', 'String!'],
    ['password', 'String!'],
    ['email', 'String'],
    ['firstName', 'String'],
    ['lastName', 'String'],
  ],
  UpdateUserInput: [
    ['username', 'String'],
    ['email', 'String'],
    ['firstName', 'String'],
    ['lastName', 'String'],
  ],
};

const SELECTIONS = [
  '__typename',
  '... on Error { message }',
  '... on User { id username email firstName lastName uuid createdAt updatedAt ships { id model } }',
  '... on Ship { id model roles crew length shipClass createdAt createdBy { id username ships { id } } }',
  '... on ShipPage { totalCount hasNextPage endCursor nodes { id model createdBy { username } } }',
  '... on UserPage { totalCount hasNextPage endCursor nodes { id username email ships { id } } }',
  '... on ValidationError { message fieldErrors { field messages } }',
  '... on NotFoundError { resource resourceId }',
  '... on TokenPair { accessToken refreshToken expiresIn tokenType }',
  '... on OpenedSession { user { id email } session { id current expiresAt createdAt } }',
  '... on QueryMySessionsSuccess { data { id current createdAt expiresAt } }',
  '... on RevokedToken { tokenType expiresAt }',
  '... on RevokedSessions { count }',
  '... on ConflictError { field message }',
  '... on DeletedShip { id }',
  'id username email uuid ships { id roles createdBy { id } }',
  'nope',
  '... on Nope { x }',
  '...F',
  'a: __typename b: __typename',
  '__typename @include(if: true) @skip(if: false)',
  '__typename @deprecated',
  '__schema { types { name } }',
  '... on ShipPage { nodes { createdBy { ships { createdBy { ships { createdBy { ships { id } } } } } } } }',
];

const intLiteral = weighted(
  [3, fc.integer({ min: -3, max: 20 }).map(String)],
  [1, fc.constantFrom('2147483647', '2147483648', '-2147483649', '99999999999999999999', '1.5', '1e3', '"1"', 'null', 'true', 'ONE', '[1]', '{}', '0x1')],
);
const stringLiteral = weighted(
  [3, nastyString.map((s) => JSON.stringify(s))],
  [
    1,
    fc.constantFrom(
      '"user"',
      '"password"',
      '"bob@hbtn.io"',
      '"H0lbertonSchool98!"',
      '"""block\nstring"""',
      '"\\u{1F600}"',
      '"\\ud800"',
      '"\\x"',
      'null',
      '42',
      '["a"]',
      '"aWQ6MQ"',
      '"aWQ6OTk5OTk5OTk5OTk5OTk5OTk5"',
    ),
  ],
);

function literalArb(type: ArgType, depth = 0): fc.Arbitrary<string> {
  const base = type.replace('!', '');
  if (base === 'Int') return intLiteral;
  if (base === 'String') return stringLiteral;
  const fields = INPUT_FIELDS[base]!;
  const roles = weighted([3, fc.array(stringLiteral, { maxLength: 3 }).map((r) => `[${r.join(', ')}]`)], [1, fc.constantFrom('null', '"x"', '[null]', '[1]')]);
  return fc
    .tuple(
      fc.subarray(fields.map(([name, t]) => [name, t] as const)),
      fc.array(fc.tuple(fc.constantFrom('crew', 'nope', 'roles', 'id', 'username'), intLiteral), { maxLength: 1 }),
      fc.option(roles),
    )
    .chain(([chosen, extra, roleList]) =>
      fc.tuple(...chosen.map(([name, t]) => (depth > 0 ? intLiteral : literalArb(t, depth + 1)).map((v) => `${name}: ${v}`))).map((parts) => {
        const all = [
          ...parts,
          ...extra.map(([k, v]) => `${k}: ${v}`),
          ...(roleList !== null && (base === 'ShipInput' || base === 'ShipPatch') ? [`roles: ${roleList}`] : []),
        ];
        return `{ ${all.join(', ')} }`;
      }),
    );
}

const variableValueArb: fc.Arbitrary<unknown> = weighted<unknown>(
  [3, fieldValueArb],
  [
    1,
    fc.record(
      {
        affiliation: nastyString,
        category: nastyString,
        crew: fieldValueArb,
        length: fieldValueArb,
        manufacturer: nastyString,
        model: nastyString,
        shipClass: nastyString,
        roles: fc.array(nastyString, { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
  ],
  [1, fc.record({ username: nastyString, password: nastyString, email: fieldValueArb }, { requiredKeys: [] })],
);

const DECLARED_TYPES = [
  'Int',
  'Int!',
  'String',
  'String!',
  'ShipInput!',
  'ShipPatch!',
  'ShipFilter',
  'RegisterInput!',
  'UpdateUserInput!',
  '[String!]',
  'Boolean',
  'Nope',
  'ID!',
];

interface Arg {
  text: string;
  variable: { name: string; type: string; value: unknown; omit: boolean } | null;
}

const argArb = (name: string, type: ArgType, index: number): fc.Arbitrary<Arg> =>
  weighted<Arg>(
    [3, literalArb(type).map((v) => ({ text: `${name}: ${v}`, variable: null }))],
    [
      2,
      fc
        .record({
          declared: weighted([4, fc.constant(type as string)], [1, fc.constantFrom(...DECLARED_TYPES)]),
          value: variableValueArb,
          omit: fc.nat({ max: 7 }).map((n) => n === 0),
        })
        .map(({ declared, value, omit }) => ({ text: `${name}: $v${index}`, variable: { name: `v${index}`, type: declared, value, omit } })),
    ],
    [1, fc.constant({ text: '', variable: null })],
  );

interface RootField {
  text: string;
  variables: NonNullable<Arg['variable']>[];
}

function rootFieldArb(fields: [string, [string, ArgType][]][], offset: number): fc.Arbitrary<RootField> {
  return fc
    .tuple(fc.constantFrom(...fields), sometimes(fc.constantFrom('a', 'b', '__x', 'me'), 4), fc.subarray(SELECTIONS, { minLength: 1, maxLength: 4 }))
    .chain(([[name, args], alias, selections]) =>
      fc.tuple(...args.map(([argName, type], i) => argArb(argName, type, offset * 10 + i))).map((built) => {
        const argText = built
          .map((a) => a.text)
          .filter(Boolean)
          .join(', ');
        return {
          text: `${alias ? `${alias}: ` : ''}${name}${argText ? `(${argText})` : ''} { ${selections.join(' ')} }`,
          variables: built.flatMap((a) => (a.variable ? [a.variable] : [])),
        };
      }),
    );
}

export interface GraphQLOperation {
  query: string;
  variables: Record<string, unknown>;
  operationName: string | null;
}

const structuredDocArb: fc.Arbitrary<GraphQLOperation> = fc
  .tuple(
    weighted([3, fc.constant('query')], [2, fc.constant('mutation')], [1, fc.constantFrom('subscription', '', 'query Q', 'mutation M')]),
    fc.nat({ max: 2 }),
    sometimes(
      fc.constantFrom(
        'fragment F on Query { __typename }',
        'fragment F on Ship { id }',
        'fragment F on Query { ...F }',
        'fragment F on Query { ...G } fragment G on Query { ...F }',
      ),
      4,
    ),
    sometimes(fc.constantFrom('Q', 'M', 'nope', ''), 3),
  )
  .chain(([op, extra, fragment, operationName]) => {
    const pool = op.startsWith('mutation') ? MUTATION_FIELDS : op.startsWith('query') || op === '' ? QUERY_FIELDS : [...QUERY_FIELDS, ...MUTATION_FIELDS];
    return fc.tuple(...Array.from({ length: extra + 1 }, (_, i) => rootFieldArb(pool, i))).map((roots) => {
      const variables = roots.flatMap((r) => r.variables);
      const decls = variables.length > 0 ? `(${variables.map((v) => `$${v.name}: ${v.type}`).join(', ')})` : '';
      const head = op === '' ? (decls ? 'query' : '') : op;
      const query = `${head}${decls} { ${roots.map((r) => r.text).join(' ')} }${fragment ? ` ${fragment}` : ''}`;
      return {
        query,
        variables: Object.fromEntries(variables.filter((v) => !v.omit).map((v) => [v.name, v.value])),
        operationName,
      };
    });
  });

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  ':',
  '$',
  '...',
  '@',
  '!',
  '[',
  ']',
  '=',
  '"',
  '#',
  ',',
  'query',
  'mutation',
  'subscription',
  'fragment',
  'on',
  'me',
  'ships',
  'login',
  'nodes',
  'id',
  '__typename',
  '__schema',
  'ShipInput',
  'Int',
  '1',
  '"x"',
  'null',
  'true',
  '\\',
  '\u0000',
  '"""',
];

const junkDocArb: fc.Arbitrary<GraphQLOperation> = weighted(
  [3, fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).map((t) => t.join(' '))],
  [1, nastyString],
  [
    1,
    fc.constantFrom(
      `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      `{ __typename ${'@include(if: true) '.repeat(12)} }`,
      `{ ${'ships { nodes { createdBy { '.repeat(5)}id${' } } }'.repeat(5)} }`,
      `{ ${'__typename '.repeat(2100)}}`,
      `{ ships(first: 100) { ... on ShipPage { nodes { createdBy { ships { createdBy { ships { id } } } } } } } }`,
      `query { ${'me { id } '.repeat(20)}}`,
      '{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }',
      'query($a: Int = "x") { ship(id: $a) { __typename } }',
      'query($a: [[[[[[Int]]]]]]) { __typename }',
    ),
  ],
).map((query) => ({ query, variables: {}, operationName: null }));

export const graphqlOperationArb: fc.Arbitrary<GraphQLOperation> = weighted([4, structuredDocArb], [1, junkDocArb]);

type GraphQLFraming = 'postJson' | 'postJsonOdd' | 'batch' | 'get' | 'getNoCsrf' | 'form' | 'graphqlBody' | 'multipart';

function graphqlFraming(
  framing: GraphQLFraming,
  op: GraphQLOperation,
  oddity: unknown,
): { method: string; path: string; contentType: string | null; body: BodySpec; csrf: boolean } {
  const payload = { query: op.query, variables: op.variables, ...(op.operationName !== null && { operationName: op.operationName }) };
  const params = () => {
    const search = new URLSearchParams({ query: op.query });
    if (Object.keys(op.variables).length > 0) search.set('variables', JSON.stringify(op.variables));
    if (op.operationName !== null) search.set('operationName', op.operationName);
    return search.toString();
  };
  switch (framing) {
    case 'postJson':
      return { method: 'POST', path: '/graphql', contentType: 'application/json', body: { kind: 'json', value: payload }, csrf: false };
    case 'postJsonOdd':
      return { method: 'POST', path: '/graphql', contentType: 'application/json', body: { kind: 'json', value: oddity }, csrf: false };
    case 'batch':
      return { method: 'POST', path: '/graphql', contentType: 'application/json', body: { kind: 'json', value: [payload, payload] }, csrf: false };
    case 'get':
      return { method: 'GET', path: `/graphql?${params()}`, contentType: null, body: { kind: 'none' }, csrf: true };
    case 'getNoCsrf':
      return { method: 'GET', path: `/graphql?${params()}`, contentType: null, body: { kind: 'none' }, csrf: false };
    case 'form':
      return { method: 'POST', path: '/graphql', contentType: 'application/x-www-form-urlencoded', body: { kind: 'text', text: params() }, csrf: true };
    case 'graphqlBody':
      return { method: 'POST', path: '/graphql', contentType: 'application/graphql', body: { kind: 'text', text: op.query }, csrf: true };
    case 'multipart':
      return {
        method: 'POST',
        path: '/graphql',
        contentType: null,
        body: {
          kind: 'multipart',
          boundary: 'zz',
          declared: 'zz',
          parts: [
            ['operations', JSON.stringify(payload)],
            ['map', JSON.stringify(oddity ?? {})],
            ['0', 'file'],
          ],
          broken: 'none',
        },
        csrf: true,
      };
  }
}

const oddityArb: fc.Arbitrary<unknown> = weighted<unknown>(
  [2, fc.jsonValue({ maxDepth: 3 })],
  [
    2,
    fc.record(
      { query: fc.oneof(nastyString, fc.jsonValue()), variables: fc.jsonValue(), operationName: fc.jsonValue(), extensions: fc.jsonValue() },
      { requiredKeys: [] },
    ),
  ],
  [
    1,
    fc.constantFrom(
      {},
      [],
      null,
      { query: '{__typename}', variables: 'x' },
      { query: '{__typename}', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } },
      { query: ['{__typename}'] },
    ),
  ],
);

/** A GraphQL request; now and then with the REST generators' credentials, headers and bodies. */
export const graphqlRequestArb: fc.Arbitrary<RequestSpec> = fc
  .record({
    framing: weighted<GraphQLFraming>(
      [8, fc.constant('postJson')],
      [2, fc.constantFrom<GraphQLFraming>('get', 'postJsonOdd')],
      [1, fc.constantFrom<GraphQLFraming>('batch', 'getNoCsrf', 'form', 'graphqlBody', 'multipart')],
    ),
    op: graphqlOperationArb,
    oddity: oddityArb,
    auth: weighted<AuthSpec>([2, fc.constant({ kind: 'none' })], [3, authArb]),
    cookies: cookiesArb,
    headers: sometimes(extraHeadersArb, 3),
    contentType: sometimes(contentTypeArb, 10),
    body: sometimes(bodyArb, 10),
    encoding: sometimes(encodingArb, 6),
    method: sometimes(methodArb, 12),
    pathMutation: sometimes(pathMutationArb, 12),
    chunked: fc.nat({ max: 30 }).map((n) => n === 0),
  })
  .map(({ framing, op, oddity, auth, cookies, headers, contentType, body, encoding, method, pathMutation, chunked }) => {
    const base = graphqlFraming(framing, op, oddity);
    const extra = headers ?? [];
    if (base.csrf && !extra.some(([name]) => name === 'x-graphql-yoga-csrf')) extra.push(['x-graphql-yoga-csrf', '1']);
    return {
      method: method ?? base.method,
      path: targetSafe(pathMutation ? mutatePath(base.path, pathMutation) : base.path),
      auth,
      cookies,
      headers: extra,
      contentType: contentType === null ? base.contentType : contentType,
      body: body ?? base.body,
      encoding: encoding ?? 'none',
      chunked,
    };
  });

/** A well-formed request with working credentials, so the routes' success paths are fuzzed too. */
const coherentRestRequestArb: fc.Arbitrary<RequestSpec> = fc
  .record({
    target: restTargetArb,
    auth: weighted<AuthSpec>(
      [
        3,
        fc
          .constantFrom<TokenName>('userAccess', 'guestAccess', 'bobAccess', 'userRefresh')
          .map((which) => ({ kind: 'token' as const, scheme: 'Bearer', which, tamper: { kind: 'none' as const }, password: 'x' })),
      ],
      [1, fc.constantFrom(...KNOWN_PAIRS.slice(0, 3)).map((pair) => ({ kind: 'pair' as const, scheme: 'Basic', pair }))],
      [1, fc.constant({ kind: 'none' as const })],
    ),
    cookies: weighted<CookieSpec[]>(
      [3, fc.constant([])],
      [
        1,
        fc.constantFrom<CookieSpec[]>(
          [{ name: '$session', value: { kind: 'session', which: 'bob' }, quoted: false }],
          [{ name: '$session', value: { kind: 'session', which: 'user' }, quoted: false }],
        ),
      ],
    ),
  })
  .chain(({ target, auth, cookies }) =>
    bodyForPath(target.path).map((body) => ({
      ...target,
      auth,
      cookies,
      headers: [],
      contentType: body.kind === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      body: ['GET', 'DELETE', 'HEAD', 'OPTIONS'].includes(target.method) ? { kind: 'none' as const } : body,
      encoding: 'none' as const,
      chunked: false,
    })),
  );

export const restRequestArb: fc.Arbitrary<RequestSpec> = weighted([3, randomRestRequestArb], [1, coherentRestRequestArb]);
