import { raw } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { decodeJwt } from 'jose';
import {
  signToken,
  successorJti,
  TokenRejectedError,
  verifyTokenSignature,
  type TokenClaims,
  type TokenKeys,
  type TokenSpec,
  type TokenType,
} from '../auth/tokens';
import type { LiveUser } from '../db/hotReads';
import { RevokedToken, User } from '../entities';
import type { Viewer } from './viewer';
import { NotFoundError, UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
}

/**
 * A rotated refresh token presented again within this many seconds is taken for a concurrent
 * refresh from the same client, and gets the successor the first rotation issued; later, for a
 * stolen copy, and its whole family is revoked.
 */
export const REFRESH_REUSE_GRACE_SECONDS = 10;

// Revocation entries: a jti (a rotated refresh token), a family (`family:<fam>`: a login or a
// cookie session, every token in it) or an access chain (`chain:<chain>`: an access token and
// every token renewed from it).
const familyKey = (family: string) => `family:${family}`;
const chainKey = (chain: string) => `chain:${chain}`;

/** The family of the tokens minted from a cookie session; ending the session revokes it. */
export const sessionFamily = (sessionId: number) => `session:${sessionId}`;

type Lineage = Pick<TokenSpec, 'family' | 'chain' | 'fresh' | 'jti'>;

/** What signing reads of a user: a User entity or the token path's plain row. */
type Signer = Pick<User, 'id' | 'uuid' | 'tokenVersion'>;

async function sign(ctx: ServiceContext, user: Signer, type: TokenType, lineage: Lineage, nowMs = ctx.clock()): Promise<string> {
  const lifetime = type === 'access' ? ctx.config.accessTokenSeconds : ctx.config.refreshTokenSeconds;
  const spec: TokenSpec = { type, subject: user.uuid, identity: user.id, version: user.tokenVersion, ...lineage };
  const { token, claims } = await signToken(ctx.tokenKeys, spec, nowMs, lifetime);
  ctx.audit({ event: 'token_issued', userId: user.id, tokenType: type, jti: claims.jti, family: claims.fam, ip: ctx.clientIp });
  return token;
}

/**
 * RA's /api/token: an access token for whoever the request authenticated as. A renewed token stays
 * in the family and the chain of the token it renewed, a token minted from a cookie session joins
 * that session's family, so logging out or ending the session ends them too. Only a password
 * login issues a fresh token.
 */
export async function renewAccessToken(ctx: ServiceContext, viewer: Viewer): Promise<string> {
  const { user, claims, session } = viewer;
  if (claims) return sign(ctx, user, 'access', { family: claims.fam, chain: claims.chain });
  if (session) return sign(ctx, user, 'access', { family: sessionFamily(session.id) });
  return sign(ctx, user, 'access', { family: randomUUID(), fresh: viewer.method === 'password' });
}

/** A password login: a new family, and a fresh access token. */
export async function issueTokens(ctx: ServiceContext, user: Signer): Promise<TokenPair> {
  const family = randomUUID();
  const refreshToken = await sign(ctx, user, 'refresh', { family });
  return { accessToken: await sign(ctx, user, 'access', { family, fresh: true }), refreshToken, expiresIn: ctx.config.accessTokenSeconds };
}

/** Whether an access token came from a password login less than FRESH_TOKEN_SECONDS ago. */
export function isFresh(ctx: ServiceContext, claims: TokenClaims): boolean {
  return claims.type === 'access' && claims.fresh && ctx.clock() - claims.iat * 1000 <= ctx.config.freshTokenSeconds * 1000;
}

export interface VerifiedToken {
  /** Plain data on the common path; a User entity when the slow path loaded one. */
  user: LiveUser;
  claims: TokenClaims;
  /** Set when a refresh token that was already rotated comes back within the grace window: when it was rotated. */
  rotatedAt?: Date;
}

/**
 * A token issued before the user's last password change is dead, except the access chain that made
 * the change (`User.keptTokenChain`), which keeps working.
 */
function versionAccepted(user: Pick<User, 'tokenVersion' | 'keptTokenChain'>, claims: TokenClaims): boolean {
  if (claims.ver === user.tokenVersion) return true;
  return claims.type === 'access' && claims.ver === user.tokenVersion - 1 && user.keptTokenChain === claims.chain;
}

function revocationKeys(claims: TokenClaims): string[] {
  return claims.type === 'access' ? [claims.jti, familyKey(claims.fam), chainKey(claims.chain)] : [claims.jti, familyKey(claims.fam)];
}

/** `verifyTokenSignature`, its refusals as the domain's UnauthenticatedError. */
async function checkSignature(keys: TokenKeys, token: string, type: TokenType, nowMs: number): Promise<TokenClaims> {
  try {
    return await verifyTokenSignature(keys, token, type, nowMs);
  } catch (error) {
    if (error instanceof TokenRejectedError) throw new UnauthenticatedError(error.reason);
    throw error;
  }
}

/** Full verification: signature and claims, then revocation (token, chain and family), then the user and its token version. */
export async function verifyToken(ctx: ServiceContext, token: string, type: TokenType): Promise<VerifiedToken> {
  const claims = await checkSignature(ctx.tokenKeys, token, type, ctx.clock());
  const keys = revocationKeys(claims);
  // Every authenticated request comes through here: the common case costs one prepared query (the
  // user, provided nothing covering the token is revoked) and no EntityManager. A miss (revoked,
  // rotated, user gone, old token version) takes the checks below, which say why.
  const live = await ctx.hotReads.liveUser(claims.sub, keys);
  if (live && versionAccepted(live, claims)) return { user: live, claims };

  const [revocations, user] = await Promise.all([ctx.em.find(RevokedToken, { jti: { $in: keys } }), ctx.em.findOne(User, { uuid: claims.sub })]);
  if (revocations.some((r) => r.jti !== claims.jti)) throw new UnauthenticatedError('revoked');
  const revoked = revocations[0];
  let rotatedAt: Date | undefined;
  if (revoked) {
    if (type !== 'refresh' || revoked.reason !== 'rotated') throw new UnauthenticatedError('revoked');
    rotatedAt = revoked.revokedAt ?? new Date(0);
    if ((ctx.clock() - rotatedAt.getTime()) / 1000 > REFRESH_REUSE_GRACE_SECONDS) {
      // Reuse of a rotated refresh token: someone holds a copy. End the whole login.
      await revokeFamily(ctx, claims.fam, 'refresh_token_reuse');
      throw new UnauthenticatedError('revoked');
    }
  }
  if (!user) throw new UnauthenticatedError('user_gone');
  if (!versionAccepted(user, claims)) throw new UnauthenticatedError('revoked');
  return { user, claims, rotatedAt };
}

/** Records revocations; an entry already there is kept as it is (a rotation stays a rotation). */
async function recordRevocations(ctx: ServiceContext, entries: Pick<RevokedToken, 'jti' | 'reason' | 'expiresAt'>[]): Promise<void> {
  if (entries.length === 0) return;
  const now = new Date(ctx.clock());
  await ctx.em
    .createQueryBuilder(RevokedToken)
    .insert(entries.map((entry) => ({ ...entry, revokedAt: now })))
    .onConflict('jti')
    .ignore()
    .execute();
  // Entries outlive their tokens only until the next revocation.
  await ctx.em.nativeDelete(RevokedToken, { expiresAt: { $lt: now } });
}

const familyExpiry = (ctx: ServiceContext) => new Date(ctx.clock() + Math.max(ctx.config.refreshTokenSeconds, ctx.config.accessTokenSeconds) * 1000);

/**
 * Logging a token out: a refresh token ends its whole family (the login); an access token ends its
 * chain, itself and every token renewed from it, while the refresh token of its login keeps
 * working (TX's own tests rely on refreshing after /auth/logout).
 */
export async function revokeClaims(ctx: ServiceContext, claims: TokenClaims): Promise<void> {
  if (claims.type === 'refresh') return revokeFamily(ctx, claims.fam, 'logout');
  // No token joins a revoked chain, so its live ones are all gone one access lifetime from now.
  const expiresAt = new Date(ctx.clock() + ctx.config.accessTokenSeconds * 1000);
  await recordRevocations(ctx, [{ jti: chainKey(claims.chain), reason: 'family', expiresAt }]);
  ctx.audit({ event: 'token_revoked', jti: claims.jti, reason: 'logout', ip: ctx.clientIp });
}

async function recordFamilyRevocations(ctx: ServiceContext, families: string[]): Promise<void> {
  const expiresAt = familyExpiry(ctx);
  await recordRevocations(
    ctx,
    families.map((family) => ({ jti: familyKey(family), reason: 'family' as const, expiresAt })),
  );
}

/** Revokes every token of a login family, access and refresh alike. */
export async function revokeFamily(ctx: ServiceContext, family: string, reason: 'refresh_token_reuse' | 'logout'): Promise<void> {
  await recordFamilyRevocations(ctx, [family]);
  ctx.audit({ event: 'token_family_revoked', family, reason, ip: ctx.clientIp });
}

/** Revokes every token minted from the sessions; their session_closed event records it. */
export async function revokeSessionFamilies(ctx: ServiceContext, sessionIds: number[]): Promise<void> {
  await recordFamilyRevocations(ctx, sessionIds.map(sessionFamily));
}

/**
 * Ends every token the user holds, on every face, by moving their token version on (in one
 * statement, so it composes with a concurrent password change). Their sessions stay open; tokens
 * minted from them afterwards work.
 */
export async function revokeAllTokens(ctx: ServiceContext, user: User): Promise<{ tokenVersion: number }> {
  const [row] = await ctx.em
    .createQueryBuilder(User)
    .update({ tokenVersion: raw('token_version + 1'), keptTokenChain: null })
    .where({ id: user.id })
    .returning(['tokenVersion'])
    .execute<{ token_version?: number; tokenVersion?: number }[]>('all');
  if (!row) throw new NotFoundError('User', String(user.id));
  const tokenVersion = Number(row.tokenVersion ?? row.token_version);
  await ctx.em.refresh(user);
  ctx.audit({ event: 'user_tokens_revoked', userId: user.id, tokenVersion, reason: 'admin', ip: ctx.clientIp });
  return { tokenVersion };
}

/** Deletes the revocation entries whose tokens have all expired anyway; returns how many. */
export async function purgeExpiredRevocations(ctx: ServiceContext): Promise<number> {
  return ctx.em.nativeDelete(RevokedToken, { expiresAt: { $lt: new Date(ctx.clock()) } });
}

/** Revokes a token of the given type after verifying it; revoking twice reports `revoked`. */
export async function revokeToken(ctx: ServiceContext, token: string, type: TokenType): Promise<TokenClaims> {
  const { claims } = await verifyToken(ctx, token, type);
  await revokeClaims(ctx, claims);
  return claims;
}

/** Marks a refresh token rotated, once; returns when it was first rotated. */
async function markRotated(ctx: ServiceContext, claims: TokenClaims): Promise<Date> {
  await recordRevocations(ctx, [{ jti: claims.jti, reason: 'rotated', expiresAt: new Date(claims.exp * 1000) }]);
  // A concurrent rotation may have won the insert: its time decides the successor.
  const row = await ctx.em.findOne(RevokedToken, { jti: claims.jti }, { refresh: true });
  if (!row || row.reason !== 'rotated') throw new UnauthenticatedError('revoked');
  ctx.audit({ event: 'token_revoked', jti: claims.jti, reason: 'rotated', ip: ctx.clientIp });
  return row.revokedAt ?? new Date(ctx.clock());
}

/**
 * Exchanges a refresh token for a new access token. With `rotate` the presented refresh token is
 * retired and a successor pair issued in the same family; within the grace window a replay gets
 * that same successor pair again, later it revokes the family. Without `rotate` (TX's
 * /auth/refresh) the refresh token stays valid and each call starts a new access chain.
 */
export async function refreshTokens(ctx: ServiceContext, refreshToken: string, rotate: boolean): Promise<TokenPair> {
  const { user, claims, rotatedAt } = await verifyToken(ctx, refreshToken, 'refresh');
  if (!rotate) {
    return { accessToken: await sign(ctx, user, 'access', { family: claims.fam }), refreshToken, expiresIn: ctx.config.accessTokenSeconds };
  }
  const at = (rotatedAt ?? (await markRotated(ctx, claims))).getTime();
  const successor = (type: TokenType) => sign(ctx, user, type, { family: claims.fam, jti: successorJti(ctx.tokenKeys, claims.jti, type) }, at);
  const [nextRefresh, nextAccess] = await Promise.all([successor('refresh'), successor('access')]);
  return { accessToken: nextAccess, refreshToken: nextRefresh, expiresIn: ctx.config.accessTokenSeconds };
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
