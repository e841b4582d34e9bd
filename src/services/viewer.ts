import type { Credentials } from '../auth/credentials';
import type { TokenClaims } from '../auth/tokens';
import type { LiveUser } from '../db/hotReads';
import { User, type Session } from '../entities';
import { authenticateBasic } from './credentials';
import { UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';
import { resolveSession } from './sessions';
import { verifyToken } from './tokens';

export type AuthMethod = 'password' | 'token' | 'session';

/**
 * What handlers and resolvers read of the viewer: the user's columns but the password hash. On the
 * token path it is plain data from one prepared query; a service that changes the user takes the
 * entity from `viewerEntity`.
 */
export type ViewerUser = LiveUser;

export interface Viewer {
  user: ViewerUser;
  /** The User entity, when checking the credential loaded it (password, session) or `viewerEntity` did. */
  entity: User | null;
  method: AuthMethod;
  /** Set when the request came with a session cookie. */
  session: Session | null;
  /** Set when the request came with an access token. */
  claims: TokenClaims | null;
}

/** Turns presented credentials into a viewer, or throws UnauthenticatedError. `none` gives null. */
export async function resolveViewer(ctx: ServiceContext, credentials: Credentials): Promise<Viewer | null> {
  switch (credentials.kind) {
    case 'none':
      return null;
    case 'malformed':
      throw new UnauthenticatedError('malformed_header');
    case 'password': {
      const { user, entity } = await authenticateBasic(ctx, credentials.identifier, credentials.password);
      return { user, entity, method: 'password', session: null, claims: null };
    }
    case 'token': {
      const { user, claims } = await verifyToken(ctx, credentials.token, 'access');
      return { user, entity: null, method: 'token', session: null, claims };
    }
    case 'session': {
      const session = await resolveSession(ctx, credentials.sessionId);
      const user = session.user.getEntity();
      return { user, entity: user, method: 'session', session, claims: null };
    }
  }
}

/**
 * The viewer's User entity in this request's EntityManager, for services that change or relate
 * to it; loaded once. A user deleted since the credential was checked is `user_gone`.
 */
export async function viewerEntity(ctx: ServiceContext, viewer: Viewer): Promise<User> {
  if (viewer.entity) return viewer.entity;
  const user = await ctx.em.findOne(User, { id: viewer.user.id });
  if (!user) throw new UnauthenticatedError('user_gone');
  viewer.entity = user;
  return user;
}
