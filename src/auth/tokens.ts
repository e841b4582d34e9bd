import { createHmac, createSecretKey, randomUUID, timingSafeEqual, webcrypto, type KeyObject } from 'node:crypto';
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTHeaderParameters, type JWTPayload } from 'jose';
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
  /** `secret` as node:crypto's key, for the HS256 fast path. */
  hmacKey: KeyObject;
  /** `secret` as an HMAC-SHA-256 key, for signing and verifying. */
  key: webcrypto.CryptoKey;
  issuer: string;
  audience: string;
}

/** The signing keys for a secret; where the secret comes from is `services/tokenKeys.ts`'s business. */
export async function deriveTokenKeys(secret: Uint8Array, config: Pick<Config, 'jwtIssuer' | 'jwtAudience'>): Promise<TokenKeys> {
  return {
    secret,
    hmacKey: createSecretKey(secret),
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
  const { header, payload } = verifyHs256Here(keys, token, nowMs) ?? (await verifyWithJose(keys, token, nowMs));
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

interface VerifiedJws {
  header: JWTHeaderParameters;
  payload: JWTPayload;
}

const REQUIRED_CLAIMS = ['sub', 'jti', 'iat', 'exp', 'nbf'] as const;

/** jose's verification: every token the fast path below does not accept, with jose's reason for a refusal. */
async function verifyWithJose(keys: TokenKeys, token: string, nowMs: number): Promise<VerifiedJws> {
  let header;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    throw new TokenRejectedError('malformed_token');
  }
  if (header.alg !== ALGORITHM) throw new TokenRejectedError('disallowed_alg');
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys.key, {
      algorithms: [ALGORITHM],
      issuer: keys.issuer,
      audience: keys.audience,
      currentDate: new Date(nowMs),
      requiredClaims: [...REQUIRED_CLAIMS],
    });
    return { header: protectedHeader, payload };
  } catch (error) {
    throw new TokenRejectedError(reasonFor(error));
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url segment as a JSON object, or null for anything else. */
function jsonObject(segment: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(strictUtf8.decode(Buffer.from(segment, 'base64url')));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The fast path, for the token every authenticated request carries: HS256 checked with node:crypto
 * on this thread. jose verifies through WebCrypto, whose every HMAC is a round trip through libuv's
 * thread pool, which cost a token-authenticated request more CPU than its own work. This accepts a
 * token only when jose would accept it with the options in verifyWithJose (a property test holds
 * it to that), and only in the shape Hangar signs: a header of exactly alg and typ, a canonical
 * signature, string sub and jti. Anything else, every refusal included, returns null and goes to
 * jose, so the reasons given for a refusal are jose's.
 */
function verifyHs256Here(keys: TokenKeys, token: string, nowMs: number): VerifiedJws | null {
  if (!JWT_SHAPE.test(token)) return null;
  const firstDot = token.indexOf('.');
  const secondDot = token.indexOf('.', firstDot + 1);
  const signature = Buffer.from(token.slice(secondDot + 1));
  const expected = Buffer.from(createHmac('sha256', keys.hmacKey).update(token.slice(0, secondDot)).digest('base64url'));
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) return null;
  const header = jsonObject(token.slice(0, firstDot));
  if (!header || header.alg !== ALGORITHM || typeof header.typ !== 'string' || Object.keys(header).length !== 2) return null;
  const payload = jsonObject(token.slice(firstDot + 1, secondDot));
  if (!payload || payload.iss !== keys.issuer) return null;
  const aud = payload.aud;
  if (!(aud === keys.audience || (Array.isArray(aud) && aud.includes(keys.audience)))) return null;
  if (typeof payload.sub !== 'string' || typeof payload.jti !== 'string') return null;
  const { iat, nbf, exp } = payload;
  if (typeof iat !== 'number' || typeof nbf !== 'number' || typeof exp !== 'number') return null;
  const now = Math.floor(nowMs / 1000);
  if (nbf > now || exp <= now) return null;
  return { header: header as unknown as JWTHeaderParameters, payload: payload as JWTPayload };
}

function reasonFor(error: unknown): TokenRejection {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'disallowed_alg';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return 'invalid_claims';
  return 'malformed_token';
}
