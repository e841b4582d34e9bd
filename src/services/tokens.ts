import { decodeJwt } from 'jose';
import { signToken, verifyTokenSignature, type TokenClaims, type TokenType } from '../auth/tokens';
import { RevokedToken, User } from '../entities';
import { UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Access token lifetime in seconds. */
  expiresIn: number;
}

export async function issueAccessToken(ctx: ServiceContext, user: User): Promise<string> {
  const { config, tokenKeys, clock } = ctx;
  return (await signToken(tokenKeys, 'access', user.uuid, user.tokenVersion, clock(), config.accessTokenSeconds)).token;
}

export async function issueTokens(ctx: ServiceContext, user: User): Promise<TokenPair> {
  const { config, tokenKeys, clock } = ctx;
  const refresh = await signToken(tokenKeys, 'refresh', user.uuid, user.tokenVersion, clock(), config.refreshTokenSeconds);
  return { accessToken: await issueAccessToken(ctx, user), refreshToken: refresh.token, expiresIn: config.accessTokenSeconds };
}

export interface VerifiedToken {
  user: User;
  claims: TokenClaims;
}

/** Full verification: signature and claims, then revocation, then that the user still exists. */
export async function verifyToken(ctx: ServiceContext, token: string, type: TokenType): Promise<VerifiedToken> {
  const claims = await verifyTokenSignature(ctx.tokenKeys, token, type, ctx.clock());
  const [revoked, user] = await Promise.all([
    ctx.em.findOne(RevokedToken, { jti: claims.jti }),
    ctx.em.findOne(User, { uuid: claims.sub }),
  ]);
  if (revoked) throw new UnauthenticatedError('revoked');
  if (!user) throw new UnauthenticatedError('user_gone');
  if (type === 'refresh' && claims.ver !== user.tokenVersion) throw new UnauthenticatedError('revoked');
  return { user, claims };
}

export async function revokeClaims(ctx: ServiceContext, claims: TokenClaims): Promise<void> {
  const now = new Date(ctx.clock());
  await ctx.em.upsert(RevokedToken, { jti: claims.jti, expiresAt: new Date(claims.exp * 1000) });
  // Entries outlive their token only until the next revocation.
  await ctx.em.nativeDelete(RevokedToken, { expiresAt: { $lt: now } });
}

/** Revokes a token of the given type after verifying it; revoking twice reports `revoked`. */
export async function revokeToken(ctx: ServiceContext, token: string, type: TokenType): Promise<TokenClaims> {
  const { claims } = await verifyToken(ctx, token, type);
  await revokeClaims(ctx, claims);
  return claims;
}

/**
 * Exchanges a refresh token for a new access token. With `rotate` the presented refresh token is
 * revoked and a new one issued; without it (TX's /auth/refresh) the refresh token stays valid.
 */
export async function refreshTokens(ctx: ServiceContext, refreshToken: string, rotate: boolean): Promise<TokenPair> {
  const { user, claims } = await verifyToken(ctx, refreshToken, 'refresh');
  if (!rotate) {
    return { accessToken: await issueAccessToken(ctx, user), refreshToken, expiresIn: ctx.config.accessTokenSeconds };
  }
  await revokeClaims(ctx, claims);
  return issueTokens(ctx, user);
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
