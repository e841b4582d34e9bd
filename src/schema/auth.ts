import { clearedSessionCookie, sessionCookie } from '../auth/sessionCookie';
import type { Session } from '../entities';
import { authenticatePassword } from '../services/credentials';
import { NotFoundError, UnauthenticatedError } from '../services/errors';
import { closeSession, listSessions, openSession, revokeSessions } from '../services/sessions';
import type { TokenType } from '../auth/tokens';
import { issueTokens, refreshTokens, revokeToken, typeOfToken, type TokenPair } from '../services/tokens';
import { builder } from './builder';
import { withThrottle } from './errors';
import { UserRef } from './user';

const TokenPairRef = builder.objectRef<TokenPair>('TokenPair').implement({
  fields: (t) => ({
    accessToken: t.exposeString('accessToken'),
    refreshToken: t.exposeString('refreshToken'),
    expiresIn: t.exposeInt('expiresIn', { description: 'Seconds until the access token expires.' }),
    tokenType: t.string({ resolve: () => 'Bearer' }),
  }),
});

const SessionRef = builder.objectRef<Session>('Session').implement({
  description: 'A cookie session. The session id itself is never shown again after it is set.',
  fields: (t) => ({
    id: t.exposeInt('id'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    current: t.boolean({ resolve: (session, _args, ctx) => ctx.viewer?.session?.id === session.id }),
  }),
});

const OpenedSession = builder.objectRef<{ user: typeof UserRef.$inferType; session: Session }>('OpenedSession').implement({
  fields: (t) => ({
    user: t.field({ type: UserRef, resolve: (opened) => opened.user }),
    session: t.field({ type: SessionRef, resolve: (opened) => opened.session }),
  }),
});

const RevokedTokenRef = builder.objectRef<{ tokenType: TokenType; expiresAt: Date }>('RevokedToken').implement({
  fields: (t) => ({
    tokenType: t.exposeString('tokenType', { description: '"access" or "refresh".' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'When the token would have expired anyway.' }),
  }),
});

const ClosedSession = builder.objectRef<{ id: number }>('ClosedSession').implement({
  fields: (t) => ({ id: t.exposeInt('id') }),
});

const RevokedSessions = builder.objectRef<{ count: number }>('RevokedSessions').implement({
  fields: (t) => ({ count: t.exposeInt('count') }),
});

builder.queryFields((t) => ({
  mySessions: t.field({
    type: [SessionRef],
    authScopes: { authenticated: true },
    errors: { types: [UnauthenticatedError], directResult: false },
    resolve: (_root, _args, ctx) => listSessions(ctx, ctx.viewer!.user),
  }),
}));

builder.mutationFields((t) => ({
  login: t.field({
    type: TokenPairRef,
    description: 'Issues an access and a refresh token. `username` may also be the email address.',
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    errors: { types: [UnauthenticatedError] },
    resolve: (_root, args, ctx) => withThrottle(async () => issueTokens(ctx, await authenticatePassword(ctx, args.username, args.password))),
  }),
  refreshToken: t.field({
    type: TokenPairRef,
    description: 'Exchanges a refresh token for a new pair; the old refresh token stops working.',
    args: { refreshToken: t.arg.string({ required: true }) },
    errors: { types: [UnauthenticatedError] },
    resolve: (_root, args, ctx) => refreshTokens(ctx, args.refreshToken, true),
  }),
  revokeToken: t.field({
    type: RevokedTokenRef,
    description: 'Logs out an access or a refresh token. Holding the token is authority enough.',
    args: { token: t.arg.string({ required: true }) },
    errors: { types: [UnauthenticatedError] },
    resolve: async (_root, args, ctx) => {
      const tokenType = typeOfToken(args.token);
      const claims = await revokeToken(ctx, args.token, tokenType);
      return { tokenType, expiresAt: new Date(claims.exp * 1000) };
    },
  }),
  openSession: t.field({
    type: OpenedSession,
    description: 'Checks the password and sets the session cookie. Each call opens a new session.',
    args: { username: t.arg.string({ required: true }), password: t.arg.string({ required: true }) },
    errors: { types: [UnauthenticatedError] },
    resolve: async (_root, args, ctx) => {
      const user = await withThrottle(() => authenticatePassword(ctx, args.username, args.password));
      const { sessionId, session } = await openSession(ctx, user);
      ctx.setCookie(sessionCookie(ctx.config, ctx, sessionId));
      return { user, session };
    },
  }),
  closeSession: t.field({
    type: ClosedSession,
    description: 'Ends the session the request came in on and clears the cookie.',
    errors: { types: [UnauthenticatedError] },
    resolve: async (_root, _args, ctx) => {
      const session = ctx.viewer?.session;
      if (!session || ctx.credentials.kind !== 'session') throw new UnauthenticatedError('missing');
      await closeSession(ctx, ctx.credentials.sessionId);
      ctx.setCookie(clearedSessionCookie(ctx.config, ctx));
      return { id: session.id };
    },
  }),
  revokeSessions: t.field({
    type: RevokedSessions,
    description: 'Ends one of your sessions by id, or all of them when id is omitted. Returns how many ended.',
    args: { id: t.arg.int() },
    authScopes: { authenticated: true },
    errors: { types: [UnauthenticatedError, NotFoundError] },
    resolve: async (_root, args, ctx) => ({ count: await revokeSessions(ctx, ctx.viewer!.user, args.id ?? null) }),
  }),
}));
