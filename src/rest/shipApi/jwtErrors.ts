import type { Credentials } from '../../auth/credentials';
import type { UnauthenticatedError } from '../../services/errors';
import { isPlainObject } from '../flask/bodies';

// flask-jwt-extended 3.24's statuses and texts (spec §2.4, decision 8). Hangar's token checks report
// a reason code; the raw token tells the finer story the Python library told, because that library
// pre-decoded a token before checking its signature.

export interface JwtFailure {
  status: number;
  body: { error: string; message?: string };
}

const fail = (status: number, error: string, message?: string): JwtFailure => ({
  status,
  body: message === undefined ? { error } : { error, message },
});

export const BAD_HEADER = "Bad Authorization header. Expected value 'Bearer <JWT>'";

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeSegment(segment: string): Buffer | null {
  const bare = segment.replace(/=+$/, '');
  if (!BASE64URL.test(segment) || bare.length % 4 === 1) return null;
  return Buffer.from(bare, 'base64url');
}

/** Python's json error for text that does not start a JSON value; other failures are paraphrased. */
function pythonJsonMessage(text: string): string {
  return /^\s*(?:[{["\-0-9]|true|false|null)/.test(text) ? 'Invalid JSON' : 'Expecting value: line 1 column 1 (char 0)';
}

function parseJsonObject(bytes: Buffer): { object: Record<string, unknown> } | { problem: string } {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { problem: "'utf-8' codec can't decode bytes" };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: pythonJsonMessage(text) };
  }
  return isPlainObject(value) ? { object: value } : { problem: 'must be a json object' };
}

/** PyJWT 1.7's pre-decode: the structural complaint about a token, or null when it is well formed. */
export function structuralProblem(token: string): string | null {
  const lastDot = token.lastIndexOf('.');
  const firstDot = token.indexOf('.');
  if (lastDot < 0 || firstDot === lastDot) return 'Not enough segments';
  const header = decodeSegment(token.slice(0, firstDot));
  if (!header) return 'Invalid header padding';
  const headerJson = parseJsonObject(header);
  if ('problem' in headerJson) return `Invalid header string: ${headerJson.problem}`;
  const payload = decodeSegment(token.slice(firstDot + 1, lastDot));
  if (!payload) return 'Invalid payload padding';
  if (!decodeSegment(token.slice(lastDot + 1))) return 'Invalid crypto padding';
  const payloadJson = parseJsonObject(payload);
  if ('problem' in payloadJson) return `Invalid payload string: ${payloadJson.problem}`;
  return null;
}

const isIntegerLike = (value: unknown) => typeof value === 'number' && Number.isInteger(value);

/** Which claim a signed token got wrong, in flask-jwt-extended's words. */
function claimProblem(token: string, nowSeconds: number): string {
  const payload = parseJsonObject(decodeSegment(token.split('.')[1] ?? '') ?? Buffer.alloc(0));
  const claims = 'object' in payload ? payload.object : {};
  const { iat, nbf, exp } = claims;
  if (iat !== undefined && !isIntegerLike(iat)) return 'Issued At claim (iat) must be an integer.';
  if (nbf !== undefined && !isIntegerLike(nbf)) return 'Not Before claim (nbf) must be an integer.';
  if (typeof nbf === 'number' && nbf > nowSeconds) return 'The token is not yet valid (nbf)';
  if (exp !== undefined && !isIntegerLike(exp)) return 'Expiration Time claim (exp) must be an integer.';
  if (claims.sub === undefined) return 'Missing claim: identity';
  for (const claim of ['jti', 'iat', 'nbf', 'exp']) {
    if (claims[claim] === undefined) return `Missing claim: ${claim}`;
  }
  return 'Missing or invalid claim: type';
}

/**
 * The TX response for refused credentials. `credentials` supplies the raw token for the
 * structural and claim texts; Basic passwords and session cookies get TX's generic 401.
 */
export function jwtFailure(error: UnauthenticatedError, credentials: Credentials, nowSeconds: number): JwtFailure {
  const token = credentials.kind === 'token' ? credentials.token : null;
  const structural = token === null ? null : structuralProblem(token);
  switch (error.reason) {
    case 'missing':
      return fail(401, 'Missing Authorization Header');
    case 'malformed_header':
      return fail(422, BAD_HEADER);
    case 'malformed_token':
      return fail(422, structural ?? 'Not enough segments');
    case 'disallowed_alg':
      return fail(422, structural ?? 'The specified alg value is not allowed');
    case 'bad_signature':
      return fail(422, structural ?? 'Signature verification failed');
    case 'invalid_claims':
      return fail(422, structural ?? (token === null ? 'Missing or invalid claim: type' : claimProblem(token, nowSeconds)));
    case 'expired':
      return fail(401, 'Token has expired');
    case 'revoked':
      return fail(401, 'Token has been revoked');
    case 'access_token_required':
      return fail(422, 'Only access tokens are allowed');
    case 'refresh_token_required':
      return fail(422, 'Only refresh tokens are allowed');
    case 'fresh_token_required':
      return fail(401, 'Fresh token required');
    case 'user_gone':
      return fail(401, 'Unauthorized', 'Unknown user.');
    case 'unknown_account':
    case 'wrong_password':
      return fail(401, 'Unauthorized', 'Username or password invalid.');
    case 'session_invalid':
    case 'session_expired':
      return fail(401, 'Unauthorized', error.message);
  }
}
