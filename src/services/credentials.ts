import { verifyPassword } from '../auth/passwords';
import type { Credentials } from '../auth/credentials';
import { User } from '../entities';
import type { Viewer } from './viewer';
import { RateLimitedError, UnauthenticatedError, ValidationError } from './errors';
import { forgetAttempt, recordAttempt, resetCount, throttledAddress } from './rateLimits';
import { upgradeLegacyPassword } from './legacyPasswords';
import type { ServiceContext } from './serviceContext';
import { isFresh } from './tokens';
import { findUserForLogin, updateUser, type KeptCredential } from './users';
import { checkPassword, throwIfInvalid } from './validation';

/**
 * Checks a username-or-email and password: the one path every password login takes (Basic on any
 * request, GraphQL login and openSession, and each REST dialect's login). Unknown accounts cost the
 * same argon2 work as wrong passwords; the two reasons differ only for the dialect that must tell
 * them apart (HB). `lookup: 'email'` matches the identifier against emails only.
 *
 * Throttling, over a sliding window of RATE_LIMIT_WINDOW seconds, with both counts taken atomically
 * before any argon2 work so that a burst of concurrent guesses cannot race past them:
 * - per client address, RATE_LIMIT_PER_IP unsuccessful attempts across all accounts (a successful
 *   login gives its attempt back);
 * - per account and client address, RATE_LIMIT_PER_ACCOUNT attempts, forgotten once the password
 *   is right. The count is the account's, whichever of its identifiers (username or email) was
 *   typed; an identifier that names no account is counted by itself.
 * Keying the account limit by address means failures from an attacker's address never lock the
 * real user out from theirs. IPv6 clients are counted by /64 (`throttledAddress`).
 *
 * A password stored in a legacy format (imported from a Flask original) is checked the same way,
 * and replaced by its argon2id hash once it matched (`upgradeLegacyPassword`).
 */
export async function authenticatePassword(
  ctx: ServiceContext,
  identifier: string,
  password: string,
  lookup: 'login' | 'email' = 'login',
): Promise<User> {
  const address = throttledAddress(ctx.clientIp);
  const ipKey = `password:ip:${address}`;
  const ip = await recordAttempt(ctx, ipKey, ctx.config.rateLimitPerIp);
  if (!ip.allowed) throw throttled(ctx, identifier, 'ip', ip.retryAfterSeconds);
  // Looked up before the account is counted, so every identifier of an account shares one count.
  const candidate = identifier === '' || (lookup === 'email' && !identifier.includes('@')) ? null : await findUserForLogin(ctx, identifier);
  const accountKey = `password:account:${JSON.stringify(candidate ? [address, 'user', candidate.id] : [address, identifier])}`;
  const account = await recordAttempt(ctx, accountKey, ctx.config.rateLimitPerAccount);
  if (!account.allowed) throw throttled(ctx, identifier, 'account', account.retryAfterSeconds);

  const ok = await verifyPassword(candidate?.passwordHash ?? null, password);
  if (!candidate || !ok) {
    const reason = candidate ? 'wrong_password' : 'unknown_account';
    ctx.audit({ event: 'login_failed', identifier, reason, ip: ctx.clientIp });
    throw new UnauthenticatedError(reason);
  }
  await Promise.all([resetCount(ctx, accountKey), forgetAttempt(ctx, ipKey, ip)]);
  await upgradeLegacyPassword(ctx, candidate, password);
  ctx.audit({ event: 'login_succeeded', userId: candidate.id, method: 'password', ip: ctx.clientIp });
  return candidate;
}

function throttled(ctx: ServiceContext, identifier: string, scope: 'ip' | 'account', retryAfterSeconds: number): RateLimitedError {
  ctx.audit({ event: 'login_throttled', identifier, scope, retryAfterSeconds, ip: ctx.clientIp });
  return new RateLimitedError(retryAfterSeconds);
}

/**
 * Changes the password after checking the current one, through the same throttle as a login, so
 * a stolen session cannot be used to guess it. As with every password change (`updateUser`), the
 * user's other sessions and tokens end; `keep` is the credential the request came in on.
 */
export async function changePassword(
  ctx: ServiceContext,
  user: User,
  currentPassword: string,
  newPassword: string,
  keep: KeptCredential,
): Promise<User> {
  throwIfInvalid((errors) => checkPassword(errors, 'newPassword', newPassword, ctx.config.passwordMinLength));
  try {
    await authenticatePassword(ctx, user.username, currentPassword);
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw new ValidationError({ currentPassword: ['Incorrect password.'] });
    throw error;
  }
  return updateUser(ctx, user, { password: newPassword }, keep);
}

/**
 * A compatibility route that replaces the password without asking for the current one (TX's PUT,
 * whose clients send the password on every PUT): the password to set, or undefined when it is the
 * one the user already has, which is no change. Setting a new one takes proof of the current
 * password in this request: Basic with the password, or a fresh access token (flask-jwt-extended's
 * rule). Without it the comparison runs through the login throttle, so a stolen session cannot
 * use it to guess the password, and a different password is refused (`fresh_token_required`).
 */
export async function passwordToSet(ctx: ServiceContext & { credentials: Credentials }, viewer: Viewer, password: string): Promise<string | undefined> {
  const { user, claims } = viewer;
  if (viewer.method === 'password') {
    return ctx.credentials.kind === 'password' && ctx.credentials.password === password ? undefined : password;
  }
  if (claims && isFresh(ctx, claims)) {
    const stored = await ctx.em.findOneOrFail(User, { id: user.id }, { populate: ['passwordHash'] });
    return (await verifyPassword(stored.passwordHash, password)) ? undefined : password;
  }
  try {
    await authenticatePassword(ctx, user.username, password);
    return undefined;
  } catch (error) {
    if (error instanceof UnauthenticatedError) throw new UnauthenticatedError('fresh_token_required');
    throw error;
  }
}
