import type { SqlEntityManager as EntityManager } from '@mikro-orm/knex';
import { UNUSABLE_PASSWORD_HASH } from '../auth/legacyHashes';
import { hashPassword, needsRehash } from '../auth/passwords';
import { User } from '../entities';
import type { ServiceContext } from './serviceContext';

/**
 * After a successful login with a legacy hash (imported from a Flask original), stores the
 * password's argon2id hash in its place. One conditional UPDATE: it replaces only that legacy hash,
 * so a password change that won a race is never overwritten. The user's tokens stay valid: the
 * password is the same.
 */
export async function upgradeLegacyPassword(ctx: ServiceContext, user: User, password: string): Promise<void> {
  if (!needsRehash(user.passwordHash)) return;
  const passwordHash = await hashPassword(password);
  const updated = await ctx.em.nativeUpdate(User, { id: user.id, passwordHash: user.passwordHash }, { passwordHash });
  if (updated > 0) ctx.audit({ event: 'password_rehashed', userId: user.id, ip: ctx.clientIp });
}

/** How many accounts still carry a legacy hash (not yet logged in since their import). */
export async function countLegacyPasswordHashes(em: EntityManager): Promise<number> {
  return em.count(User, { $not: { passwordHash: { $like: '$argon2%' } }, passwordHash: { $ne: UNUSABLE_PASSWORD_HASH } });
}
