import { createHmac, randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import type { Config } from '../config';

export type TokenType = 'access' | 'refresh';

/** Why `verifyTokenSignature` refused a token; services' AuthFailureReason includes these. */
export type TokenRejection =
  'malformed_token' | 'bad_signature' | 'disallowed_alg' | 'invalid_claims' | 'expired' | 'access_token_required' | 'refresh_token_required';

/** Thrown by `verifyTokenSignature`; `services/tokens.ts` turns it into an UnauthenticatedError. */
export class TokenRejectedError extends Error {
  override name = 'TokenRejectedError';
  constructor(readonly reason: TokenRejection) {
    super(`Token rejected: ${reason}`);
  }
}

export interface TokenKeys {
  secret: Uint8Array;
  /** `secret` as an HMAC-SHA-256 key, for signing and verifying. */
  key: webcrypto.CryptoKey;
  issuer: string;
  audience: string;
}

/** The signing keys for a secret; where the secret comes from is `services/tokenKeys.ts`'s business. */
export async function deriveTokenKeys(secret: Uint8Array, config: Pick<Config, 'jwtIssuer' | 'jwtAudience'>): Promise<TokenKeys> {
  return {
    secret,
    // Imported once: given the raw bytes, jose would import a key on every sign and verify.
    key: await webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']),
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
  };
}

export interface TokenClaims {
  /** The user's UUID. */
  sub: string;
  /** The user's integer id, which TX clients read (flask-jwt-extended's claim name). */
  identity: number;
  jti: string;
  iat: number;
  exp: number;
  type: TokenType;
  /** The user's tokenVersion when the token was issued. */
  ver: number;
  /**
   * Login family: every token descended from one login (or one cookie session) by refreshing or
   * renewing shares it.
   */
  fam: string;
  /** Access tokens: the access token this one was renewed from, transitively; its own jti otherwise. */
  chain: string;
  /** Access tokens: issued directly by a password login. */
  fresh: boolean;
}

/** What a new token says; `jti` and `chain` default to a new random id. */
export interface TokenSpec {
  type: TokenType;
  subject: string;
  identity: number;
  version: number;
  family: string;
  chain?: string;
  fresh?: boolean;
  jti?: string;
}

export interface SignedToken {
  token: string;
  claims: TokenClaims;
}

const ALGORITHM = 'HS256';
// Explicit typing (RFC 8725 §3.11): the header says which kind of token this is, and so does a claim.
const HEADER_TYPES: Record<TokenType, string> = { access: 'at+jwt', refresh: 'rt+jwt' };
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export async function signToken(keys: TokenKeys, spec: TokenSpec, nowMs: number, lifetimeSeconds: number): Promise<SignedToken> {
  const iat = Math.floor(nowMs / 1000);
  const jti = spec.jti ?? randomUUID();
  const claims: TokenClaims = {
    sub: spec.subject,
    identity: spec.identity,
    jti,
    iat,
    exp: iat + lifetimeSeconds,
    type: spec.type,
    ver: spec.version,
    fam: spec.family,
    chain: spec.chain ?? jti,
    fresh: spec.type === 'access' && spec.fresh === true,
  };
  const extra = spec.type === 'access' ? { chain: claims.chain, fresh: claims.fresh } : {};
  const token = await new SignJWT({ identity: spec.identity, type: spec.type, ver: spec.version, fam: spec.family, ...extra })
    .setProtectedHeader({ alg: ALGORITHM, typ: HEADER_TYPES[spec.type] })
    .setSubject(spec.subject)
    .setJti(jti)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(claims.exp)
    .setIssuer(keys.issuer)
    .setAudience(keys.audience)
    .sign(keys.key);
  return { token, claims };
}

/**
 * The jti of the token of `type` that rotating the token `parentJti` issues: the same every time,
 * so a rotation replayed within the grace window re-signs the very same successor (HS256 is
 * deterministic) instead of starting a second chain.
 */
export function successorJti(keys: TokenKeys, parentJti: string, type: TokenType): string {
  const hex = createHmac('sha256', keys.secret).update(`successor:${type}:${parentJti}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
export async function verifyTokenSignature(keys: TokenKeys, token: string, expected: TokenType, nowMs: number): Promise<TokenClaims> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenRejectedError('malformed_token');
  }
  if (header.alg !== ALGORITHM) throw new TokenRejectedError('disallowed_alg');
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
    throw new TokenRejectedError(reasonFor(error));
  }
  const type = payload.type;
  if (type !== 'access' && type !== 'refresh') throw new TokenRejectedError('invalid_claims');
  if (!Number.isSafeInteger(payload.ver) || typeof payload.fam !== 'string') throw new TokenRejectedError('invalid_claims');
  if (header.typ !== HEADER_TYPES[type]) throw new TokenRejectedError('invalid_claims');
  if (type !== expected) {
    throw new TokenRejectedError(expected === 'access' ? 'access_token_required' : 'refresh_token_required');
  }
  return {
    sub: payload.sub!,
    identity: Number.isSafeInteger(payload.identity) ? (payload.identity as number) : 0,
    jti: payload.jti!,
    iat: payload.iat!,
    exp: payload.exp!,
    type,
    ver: payload.ver as number,
    fam: payload.fam,
    chain: typeof payload.chain === 'string' ? payload.chain : payload.jti!,
    fresh: type === 'access' && payload.fresh === true,
  };
}

function reasonFor(error: unknown): TokenRejection {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'disallowed_alg';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'invalid_claims';
  return 'malformed_token';
}
