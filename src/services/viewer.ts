import type { Credentials } from '../auth/credentials';
import type { TokenClaims } from '../auth/tokens';
import type { Session, User } from '../entities';
import { authenticateBasic } from './credentials';
import { UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';
import { resolveSession } from './sessions';
import { verifyToken } from './tokens';

export type AuthMethod = 'password' | 'token' | 'session';

export interface Viewer {
  user: User;
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
      const user = await authenticateBasic(ctx, credentials.identifier, credentials.password);
      return { user, method: 'password', session: null, claims: null };
    }
    case 'token': {
      const { user, claims } = await verifyToken(ctx, credentials.token, 'access');
      return { user, method: 'token', session: null, claims };
    }
    case 'session': {
      const session = await resolveSession(ctx, credentials.sessionId);
      return { user: session.user.getEntity(), method: 'session', session, claims: null };
    }
  }
}
