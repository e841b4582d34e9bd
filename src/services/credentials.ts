import { verifyPassword } from '../auth/passwords';
import type { User } from '../entities';
import { UnauthenticatedError } from './errors';
import type { ServiceContext } from './serviceContext';
import { findUserForLogin } from './users';

/**
 * Checks a username-or-email and password. Unknown accounts cost the same argon2 work as wrong
 * passwords; the two reasons differ only for the one dialect that must tell them apart (HB).
 */
export async function authenticatePassword(ctx: ServiceContext, identifier: string, password: string): Promise<User> {
  const user = identifier === '' ? null : await findUserForLogin(ctx, identifier);
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user) throw new UnauthenticatedError('unknown_account');
  if (!ok) throw new UnauthenticatedError('wrong_password');
  return user;
}
