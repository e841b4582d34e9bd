import { randomUUID } from 'node:crypto';
import { raw } from '@mikro-orm/core';
import { decodeJwt } from 'jose';
import { signToken, verifyTokenSignature, type TokenClaims, type TokenType } from '../auth/tokens';
import type { Viewer } from '../auth/viewer';
import { RevokedToken, User } from '../entities';
import { UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
}

/**
 * A rotated refresh token presented again within this many seconds is taken for a concurrent
 * refresh from the same client; later, for a stolen copy, and its whole family is revoked.
 */
export const REFRESH_REUSE_GRACE_SECONDS = 10;

const familyKey = (family: string) => `family:${family}`;

/** An access token; without a family it starts one of its own. */
async function issueAccessToken(ctx: ServiceContext, user: User, family: string = randomUUID()): Promise<string> {
  return sign(ctx, user, 'access', family, ctx.config.accessTokenSeconds);
}

/**
 * RA's /api/token: an access token for whoever the request authenticated as. A token may renew
 * itself, staying in its login family, but not once the password has changed since it was issued,
 * so a stolen token cannot be kept alive past its owner's password change.
 */
export async function renewAccessToken(ctx: ServiceContext, viewer: Viewer): Promise<string> {
  const { user, claims } = viewer;
  if (!claims) return issueAccessToken(ctx, user);
  if (claims.ver !== user.tokenVersion) throw new UnauthenticatedError('revoked');
  return issueAccessToken(ctx, user, claims.fam);
}

async function sign(ctx: ServiceContext, user: User, type: TokenType, family: string, lifetimeSeconds: number): Promise<string> {
  const { token, claims } = await signToken(ctx.tokenKeys, type, user.uuid, user.tokenVersion, family, ctx.clock(), lifetimeSeconds);
  ctx.audit({ event: 'token_issued', userId: user.id, tokenType: type, jti: claims.jti, family, ip: ctx.clientIp });
  return token;
}

/** A new access and refresh token; a login starts a new family, a refresh continues one. */
export async function issueTokens(ctx: ServiceContext, user: User, family: string = randomUUID()): Promise<TokenPair> {
  const refreshToken = await sign(ctx, user, 'refresh', family, ctx.config.refreshTokenSeconds);
  return { accessToken: await issueAccessToken(ctx, user, family), refreshToken, expiresIn: ctx.config.accessTokenSeconds };
}

export interface VerifiedToken {
  user: User;
  claims: TokenClaims;
  /** Set when a refresh token that was already rotated comes back within the grace window. */
  rotatedRecently?: boolean;
}

/** Full verification: signature and claims, then revocation (token and family), then the user. */
export async function verifyToken(ctx: ServiceContext, token: string, type: TokenType): Promise<VerifiedToken> {
  const claims = await verifyTokenSignature(ctx.tokenKeys, token, type, ctx.clock());
  // Every authenticated request comes through here: the common case costs one query, the user
  // provided neither the token nor its family is revoked. Anything else takes the checks below.
  const live = await ctx.em.findOne(User, {
    uuid: claims.sub,
    [raw('not exists (select 1 from revoked_tokens where jti in (?, ?))', [claims.jti, familyKey(claims.fam)])]: [],
  });
  if (live && (type === 'access' || claims.ver === live.tokenVersion)) return { user: live, claims };

  const [revocations, user] = await Promise.all([
    ctx.em.find(RevokedToken, { jti: { $in: [claims.jti, familyKey(claims.fam)] } }),
    ctx.em.findOne(User, { uuid: claims.sub }),
  ]);
  if (revocations.some((r) => r.reason === 'family')) throw new UnauthenticatedError('revoked');
  const revoked = revocations[0];
  let rotatedRecently = false;
  if (revoked) {
    if (type !== 'refresh' || revoked.reason !== 'rotated') throw new UnauthenticatedError('revoked');
    const age = (ctx.clock() - (revoked.revokedAt?.getTime() ?? 0)) / 1000;
    if (age > REFRESH_REUSE_GRACE_SECONDS) {
      // Reuse of a rotated refresh token: someone holds a copy. End the whole login.
      await revokeFamily(ctx, claims.fam, 'refresh_token_reuse');
      throw new UnauthenticatedError('revoked');
    }
    rotatedRecently = true;
  }
  if (!user) throw new UnauthenticatedError('user_gone');
  if (type === 'refresh' && claims.ver !== user.tokenVersion) throw new UnauthenticatedError('revoked');
  return { user, claims, rotatedRecently };
}

async function recordRevocation(ctx: ServiceContext, jti: string, reason: RevokedToken['reason'], expiresAt: Date): Promise<void> {
  const now = new Date(ctx.clock());
  await ctx.em.upsert(RevokedToken, { jti, reason, revokedAt: now, expiresAt });
  // Entries outlive their tokens only until the next revocation.
  await ctx.em.nativeDelete(RevokedToken, { expiresAt: { $lt: now } });
}

export async function revokeClaims(ctx: ServiceContext, claims: TokenClaims): Promise<void> {
  await recordRevocation(ctx, claims.jti, 'logout', new Date(claims.exp * 1000));
  ctx.audit({ event: 'token_revoked', jti: claims.jti, reason: 'logout', ip: ctx.clientIp });
}

/** Revokes every token of a login family, access and refresh alike. */
export async function revokeFamily(ctx: ServiceContext, family: string, reason: 'refresh_token_reuse' | 'logout'): Promise<void> {
  const longest = Math.max(ctx.config.refreshTokenSeconds, ctx.config.accessTokenSeconds);
  await recordRevocation(ctx, familyKey(family), 'family', new Date(ctx.clock() + longest * 1000));
  ctx.audit({ event: 'token_family_revoked', family, reason, ip: ctx.clientIp });
}

/** Revokes a token of the given type after verifying it; revoking twice reports `revoked`. */
export async function revokeToken(ctx: ServiceContext, token: string, type: TokenType): Promise<TokenClaims> {
  const { claims } = await verifyToken(ctx, token, type);
  await revokeClaims(ctx, claims);
  return claims;
}

/**
 * Exchanges a refresh token for a new access token. With `rotate` the presented refresh token is
 * retired and a new one issued in the same family; presenting a retired one again after the grace
 * window revokes the family. Without `rotate` (TX's /auth/refresh) the refresh token stays valid.
 */
export async function refreshTokens(ctx: ServiceContext, refreshToken: string, rotate: boolean): Promise<TokenPair> {
  const { user, claims, rotatedRecently } = await verifyToken(ctx, refreshToken, 'refresh');
  if (!rotate) {
    return { accessToken: await issueAccessToken(ctx, user, claims.fam), refreshToken, expiresIn: ctx.config.accessTokenSeconds };
  }
  if (!rotatedRecently) {
    await recordRevocation(ctx, claims.jti, 'rotated', new Date(claims.exp * 1000));
    ctx.audit({ event: 'token_revoked', jti: claims.jti, reason: 'rotated', ip: ctx.clientIp });
  }
  return issueTokens(ctx, user, claims.fam);
}

/** Reads the unverified type claim, only to choose which verification to run. */
export function typeOfToken(token: string): TokenType {
  let type: unknown;
  try {
    ({ type } = decodeJwt(token));
  } catch {
    throw new UnauthenticatedError('malformed_token');
  }
  if (type === 'access' || type === 'refresh') return type;
  throw new UnauthenticatedError('invalid_claims');
}
