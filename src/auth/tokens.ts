import { randomUUID, type webcrypto } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { UnauthenticatedError, type AuthFailureReason } from '../services/errors';

export type TokenType = 'access' | 'refresh';

export interface TokenKeys {
  secret: Uint8Array;
  /** `secret` as an HMAC-SHA-256 key, for signing and verifying. */
  key: webcrypto.CryptoKey;
  issuer: string;
  audience: string;
}

export interface TokenClaims {
  sub: string;
  jti: string;
  iat: number;
  exp: number;
  type: TokenType;
  /** The user's tokenVersion when the token was issued. */
  ver: number;
  /** Login family: every token descended from one login by refreshing shares it. */
  fam: string;
}

export interface SignedToken {
  token: string;
  claims: TokenClaims;
}

const ALGORITHM = 'HS256';
// Explicit typing (RFC 8725 §3.11): the header says which kind of token this is, and so does a claim.
const HEADER_TYPES: Record<TokenType, string> = { access: 'at+jwt', refresh: 'rt+jwt' };
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export async function signToken(
  keys: TokenKeys,
  type: TokenType,
  subject: string,
  version: number,
  family: string,
  nowMs: number,
  lifetimeSeconds: number,
): Promise<SignedToken> {
  const iat = Math.floor(nowMs / 1000);
  const claims: TokenClaims = { sub: subject, jti: randomUUID(), iat, exp: iat + lifetimeSeconds, type, ver: version, fam: family };
  const token = await new SignJWT({ type, ver: version, fam: family })
    .setProtectedHeader({ alg: ALGORITHM, typ: HEADER_TYPES[type] })
    .setSubject(subject)
    .setJti(claims.jti)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(claims.exp)
    .setIssuer(keys.issuer)
    .setAudience(keys.audience)
    .sign(keys.key);
  return { token, claims };
}

/** True when the string has the shape of a JWS compact serialisation with a JSON header. */
export function looksLikeJwt(value: string): boolean {
  if (!JWT_SHAPE.test(value)) return false;
  try {
    decodeProtectedHeader(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Verifies signature, algorithm, exp, nbf, iss, aud and the token type. It does not consult the
 * database; `services/tokens.ts` adds revocation and the user lookup.
 */
export async function verifyTokenSignature(
  keys: TokenKeys,
  token: string,
  expected: TokenType,
  nowMs: number,
): Promise<TokenClaims> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new UnauthenticatedError('malformed_token');
  }
  if (header.alg !== ALGORITHM) throw new UnauthenticatedError('disallowed_alg');
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keys.key, {
      algorithms: [ALGORITHM],
      issuer: keys.issuer,
      audience: keys.audience,
      currentDate: new Date(nowMs),
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'nbf'],
    }));
  } catch (error) {
    throw new UnauthenticatedError(reasonFor(error));
  }
  const type = payload.type;
  if (type !== 'access' && type !== 'refresh') throw new UnauthenticatedError('invalid_claims');
  if (!Number.isSafeInteger(payload.ver) || typeof payload.fam !== 'string') throw new UnauthenticatedError('invalid_claims');
  if (header.typ !== HEADER_TYPES[type]) throw new UnauthenticatedError('invalid_claims');
  if (type !== expected) {
    throw new UnauthenticatedError(expected === 'access' ? 'access_token_required' : 'refresh_token_required');
  }
  return {
    sub: payload.sub!,
    jti: payload.jti!,
    iat: payload.iat!,
    exp: payload.exp!,
    type,
    ver: payload.ver as number,
    fam: payload.fam,
  };
}

function reasonFor(error: unknown): AuthFailureReason {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'disallowed_alg';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'invalid_claims';
  return 'malformed_token';
}
