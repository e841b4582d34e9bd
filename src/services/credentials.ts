import { needsRehash, verifyPassword } from '../auth/passwords';
import { VerifiedPasswordCache } from '../auth/verifiedPasswords';
import type { Config } from '../config';
import type { Credentials } from '../auth/credentials';
import type { LiveUser } from '../db/hotReads';
import { User } from '../entities';
import type { Viewer } from './viewer';
import { RateLimitedError, UnauthenticatedError, ValidationError } from './errors';
import { currentLockouts, forgetAttempt, recordAttempt, resetCount, throttledAddress } from './rateLimits';
import { upgradeLegacyPassword } from './legacyPasswords';
import type { ServiceContext } from './serviceContext';
import { isFresh } from './tokens';
import { findLoginRow, updateUser, type KeptCredential } from './users';
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
export async function authenticatePassword(ctx: ServiceContext, identifier: string, password: string, lookup: 'login' | 'email' = 'login'): Promise<User> {
  const { entity } = await authenticate(ctx, identifier, password, lookup, null);
  // Only a cache hit leaves the entity unloaded, and this path passes no cache.
  if (!entity) throw new Error('authenticate without a cache returned no entity');
  return entity;
}

/**
 * Basic user:password on a request (any dialect), which clients may send on every request: as
 * authenticatePassword, through the verified-password cache unless PASSWORD_CACHE=0. Logins that
 * post the password in their body, and password changes, do not use it: see the README's
 * "Verified-password cache".
 */
export function authenticateBasic(ctx: ServiceContext, identifier: string, password: string): Promise<AuthenticatedUser> {
  return authenticate(ctx, identifier, password, 'login', verifiedPasswords(ctx.config));
}

/** Who a password proved: the user's columns, and the entity unless a cache hit needed none. */
export interface AuthenticatedUser {
  user: LiveUser;
  entity: User | null;
}

async function authenticate(
  ctx: ServiceContext,
  identifier: string,
  password: string,
  lookup: 'login' | 'email',
  cache: VerifiedPasswordCache | null,
): Promise<AuthenticatedUser> {
  const address = throttledAddress(ctx.clientIp);
  const ipKey = `password:ip:${address}`;
  // Looked up before anything is counted, so every identifier of an account shares one count.
  const row = identifier === '' || (lookup === 'email' && !identifier.includes('@')) ? null : await findLoginRow(ctx, identifier);
  const found = row ? ctx.hotReads.userOf(row) : null;
  const accountKey = `password:account:${JSON.stringify(found ? [address, 'user', found.id] : [address, identifier])}`;
  // A cache hit answers from the row alone: no EntityManager, no entity.
  if (cache && found && cache.has(found.passwordHash, password, ctx.clock())) {
    const { passwordHash: _hash, ...user } = found;
    return { user: await cachedSuccess(ctx, identifier, user, ipKey, accountKey), entity: null };
  }
  const candidate = row ? ctx.em.map(User, row) : null;
  const ip = await recordAttempt(ctx, ipKey, ctx.config.rateLimitPerIp);
  if (!ip.allowed) throw throttled(ctx, identifier, 'ip', ip.retryAfterSeconds);
  const account = await recordAttempt(ctx, accountKey, ctx.config.rateLimitPerAccount);
  if (!account.allowed) throw throttled(ctx, identifier, 'account', account.retryAfterSeconds);

  const ok = await verifyPassword(candidate?.passwordHash ?? null, password);
  if (!candidate || !ok) {
    const reason = candidate ? 'wrong_password' : 'unknown_account';
    ctx.audit({ event: 'login_failed', identifier, reason, ip: ctx.clientIp });
    throw new UnauthenticatedError(reason);
  }
  // A legacy hash is about to be replaced, and its replacement must happen: only argon2id is cached.
  if (!needsRehash(candidate.passwordHash)) cache?.add(candidate.passwordHash, password, ctx.clock());
  await Promise.all([resetCount(ctx, accountKey), forgetAttempt(ctx, ipKey, ip)]);
  await upgradeLegacyPassword(ctx, candidate, password);
  ctx.audit({ event: 'login_succeeded', userId: candidate.id, method: 'password', ip: ctx.clientIp });
  return { user: candidate, entity: candidate };
}

const caches = new WeakMap<Config, VerifiedPasswordCache>();

/** The cache of one running server (one Config each), or null when PASSWORD_CACHE=0. */
function verifiedPasswords(config: Config): VerifiedPasswordCache | null {
  if (!config.passwordCache) return null;
  let cache = caches.get(config);
  if (!cache) caches.set(config, (cache = new VerifiedPasswordCache({ maxEntries: config.passwordCacheSize, ttlMs: config.passwordCacheTtlSeconds * 1000 })));
  return cache;
}

/**
 * A cache hit: the password matches the account's current stored hash, as argon2 found within the
 * TTL. The throttle's outcome for it is kept without its writes. The full path counts an attempt on
 * both keys before argon2 so that concurrent guesses cannot race past the limits, and on success
 * gives the address's attempt back and forgets the account's count, so a right password leaves the
 * address's log as it was and the account's empty. A hit cannot be a guess, so it has nothing to
 * race with; what it must still do is be refused while either key is locked out, as the full path
 * refuses a right password then, before argon2 (one read of both logs, the same test as
 * recordAttempt's), and then forget the account's count, which costs a write only when there is one.
 * One difference: a hit does not hold a slot while in flight, so parallel Basic requests with a
 * cached password are not limited to RATE_LIMIT_PER_ACCOUNT at once.
 */
async function cachedSuccess(ctx: ServiceContext, identifier: string, user: LiveUser, ipKey: string, accountKey: string): Promise<LiveUser> {
  const [ip, account] = await currentLockouts(ctx, [
    { key: ipKey, limit: ctx.config.rateLimitPerIp },
    { key: accountKey, limit: ctx.config.rateLimitPerAccount },
  ]);
  if (ip!.retryAfterSeconds > 0) throw throttled(ctx, identifier, 'ip', ip!.retryAfterSeconds);
  if (account!.retryAfterSeconds > 0) throw throttled(ctx, identifier, 'account', account!.retryAfterSeconds);
  if (account!.logged) await resetCount(ctx, accountKey);
  ctx.audit({ event: 'login_succeeded', userId: user.id, method: 'password', ip: ctx.clientIp });
  return user;
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
export async function changePassword(ctx: ServiceContext, user: User, currentPassword: string, newPassword: string, keep: KeptCredential): Promise<User> {
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
