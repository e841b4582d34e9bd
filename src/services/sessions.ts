import { createHash, randomBytes } from 'node:crypto';
import { Session, type User } from '../entities';
import { NotFoundError, UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';
import { revokeSessionFamilies } from './tokens';

/** 256 bits from the CSPRNG; the database only ever sees its SHA-256. */
const SESSION_ID_BYTES = 32;

export function hashSessionId(sessionId: string): string {
  return createHash('sha256').update(sessionId).digest('hex');
}

export interface OpenedSession {
  /** The raw id for the cookie. It is not stored anywhere. */
  sessionId: string;
  session: Session;
}

export async function openSession(ctx: ServiceContext, user: User): Promise<OpenedSession> {
  const nowMs = ctx.clock();
  const seconds = ctx.config.sessionSeconds;
  const sessionId = randomBytes(SESSION_ID_BYTES).toString('base64url');
  const session = ctx.em.create(Session, {
    idHash: hashSessionId(sessionId),
    user,
    createdAt: new Date(nowMs),
    expiresAt: seconds > 0 ? new Date(nowMs + seconds * 1000) : null,
  });
  await ctx.em.flush();
  await ctx.em.nativeDelete(Session, { expiresAt: { $lt: new Date(nowMs) } });
  ctx.audit({ event: 'session_opened', userId: user.id, sessionId: session.id, ip: ctx.clientIp });
  return { sessionId, session };
}

/** The live session behind a cookie value. Expired sessions are deleted on sight. */
export async function resolveSession(ctx: ServiceContext, sessionId: string): Promise<Session> {
  const session = await ctx.em.findOne(Session, { idHash: hashSessionId(sessionId) }, { populate: ['user'] });
  if (!session) throw new UnauthenticatedError('session_invalid');
  if (session.expiresAt && session.expiresAt.getTime() < ctx.clock()) {
    await ctx.em.nativeDelete(Session, { id: session.id });
    ctx.audit({ event: 'session_closed', userId: session.user.id, sessionIds: [session.id], reason: 'expired', ip: ctx.clientIp });
    throw new UnauthenticatedError('session_expired');
  }
  return session;
}

/** Deletes every expired session, of any user; returns how many. */
export async function purgeExpiredSessions(ctx: ServiceContext): Promise<number> {
  return ctx.em.nativeDelete(Session, { expiresAt: { $lt: new Date(ctx.clock()) } });
}

export async function closeSession(ctx: ServiceContext, sessionId: string): Promise<void> {
  const session = await ctx.em.findOne(Session, { idHash: hashSessionId(sessionId) });
  if (!session) throw new NotFoundError('Session', 'current');
  await removeSessions(ctx, session.user.id, [session.id], 'logout');
}

export async function listSessions(ctx: ServiceContext, user: Pick<User, 'id'>): Promise<Session[]> {
  const now = new Date(ctx.clock());
  return ctx.em.find(Session, { user: user.id, $or: [{ expiresAt: null }, { expiresAt: { $gte: now } }] }, { orderBy: { id: 'asc' } });
}

/** Ends one session of the user (by its numeric id), or all of them when `id` is null. */
export async function revokeSessions(ctx: ServiceContext, user: Pick<User, 'id'>, id: number | null): Promise<number> {
  return endSessions(ctx, user, id === null ? {} : { id }, 'revoked', id);
}

/**
 * Ends the user's sessions matching `where`, and every token minted from them; `required` makes an
 * empty match a NotFoundError.
 */
export async function endSessions(
  ctx: ServiceContext,
  user: Pick<User, 'id'>,
  where: { id?: number | { $ne: number } },
  reason: 'revoked' | 'password_changed',
  required: number | null = null,
): Promise<number> {
  const sessions = await ctx.em.find(Session, { user: user.id, ...where }, { fields: ['id'] });
  if (required !== null && sessions.length === 0) throw new NotFoundError('Session', String(required));
  if (sessions.length === 0) return 0;
  const sessionIds = sessions.map((s) => s.id);
  await removeSessions(ctx, user.id, sessionIds, reason);
  return sessionIds.length;
}

/** Deletes the sessions and revokes every token minted from them. */
async function removeSessions(ctx: ServiceContext, userId: number, sessionIds: number[], reason: 'logout' | 'revoked' | 'password_changed'): Promise<void> {
  await ctx.em.nativeDelete(Session, { id: { $in: sessionIds } });
  await revokeSessionFamilies(ctx, sessionIds);
  ctx.audit({ event: 'session_closed', userId, sessionIds, reason, ip: ctx.clientIp });
}
