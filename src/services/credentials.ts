import { verifyPassword } from '../auth/passwords';
import type { User } from '../entities';
import { RateLimitedError, UnauthenticatedError, ValidationError } from './errors';
import { countUp, peek, resetCount } from './rateLimits';
import type { ServiceContext } from './serviceContext';
import { endSessions } from './sessions';
import { findUserForLogin, replacePassword } from './users';
import { checkPassword, throwIfInvalid } from './validation';

/**
 * Checks a username-or-email and password: the one path every password login takes (Basic on any
 * request, GraphQL login and openSession, and each REST dialect's login). Unknown accounts cost the
 * same argon2 work as wrong passwords; the two reasons differ only for the dialect that must tell
 * them apart (HB). `lookup: 'email'` matches the identifier against emails only.
 *
 * Throttling, per window of RATE_LIMIT_WINDOW seconds:
 * - per account and client IP, RATE_LIMIT_PER_ACCOUNT attempts, counted before verifying (so
 *   concurrent guesses cannot race past it) and forgotten once the password is right;
 * - per client IP, RATE_LIMIT_PER_IP failures across all accounts.
 * Keying the account limit by IP means failures from an attacker's address never lock the real
 * user out from theirs.
 */
export async function authenticatePassword(
  ctx: ServiceContext,
  identifier: string,
  password: string,
  lookup: 'login' | 'email' = 'login',
): Promise<User> {
  const ipKey = `password:ip:${ctx.clientIp}`;
  const accountKey = `password:account:${JSON.stringify([ctx.clientIp, identifier])}`;
  const ip = await peek(ctx, ipKey);
  if (ip.count >= ctx.config.rateLimitPerIp) throw throttled(ctx, identifier, 'ip', ip.retryAfterSeconds);
  const account = await countUp(ctx, accountKey);
  if (account.count > ctx.config.rateLimitPerAccount) throw throttled(ctx, identifier, 'account', account.retryAfterSeconds);

  const candidate = identifier === '' || (lookup === 'email' && !identifier.includes('@')) ? null : await findUserForLogin(ctx, identifier);
  const ok = await verifyPassword(candidate?.passwordHash ?? null, password);
  if (!candidate || !ok) {
    const reason = candidate ? 'wrong_password' : 'unknown_account';
    await countUp(ctx, ipKey);
    ctx.audit({ event: 'login_failed', identifier, reason, ip: ctx.clientIp });
    throw new UnauthenticatedError(reason);
  }
  await resetCount(ctx, accountKey);
  ctx.audit({ event: 'login_succeeded', userId: candidate.id, method: 'password', ip: ctx.clientIp });
  return candidate;
}

function throttled(ctx: ServiceContext, identifier: string, scope: 'ip' | 'account', retryAfterSeconds: number): RateLimitedError {
  ctx.audit({ event: 'login_throttled', identifier, scope, retryAfterSeconds, ip: ctx.clientIp });
  return new RateLimitedError(retryAfterSeconds);
}

/**
 * Changes the password after checking the current one, through the same throttle as a login, so
 * a stolen session cannot be used to guess it. Every other session of the user ends and every
 * refresh token stops working; `keepSessionId` is the session the request came in on.
 */
export async function changePassword(
  ctx: ServiceContext,
  user: User,
  currentPassword: string,
  newPassword: string,
  keepSessionId: number | null,
): Promise<User> {
  throwIfInvalid((errors) => checkPassword(errors, 'newPassword', newPassword, ctx.config.passwordMinLength));
  try {
    await authenticatePassword(ctx, user.username, currentPassword);
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw new ValidationError({ currentPassword: ['Incorrect password.'] });
    throw error;
  }
  await replacePassword(ctx, user, newPassword);
  user.updatedAt = new Date(ctx.clock());
  await ctx.em.flush();
  await endSessions(ctx, user, keepSessionId === null ? {} : { id: { $ne: keepSessionId } }, 'password_changed');
  return user;
}
