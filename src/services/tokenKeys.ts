import { randomBytes } from 'node:crypto';
import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/core';
import { deriveTokenKeys, type TokenKeys } from '../auth/tokens';
import type { Clock } from '../clock';
import type { Config } from '../config';
import { ServerSecret } from '../entities';

const SECRET_NAME = 'jwt-hs256';

/**
 * JWT_SECRET when set. Otherwise a 512-bit secret generated on first start and kept in the database,
 * so tokens survive restarts and every instance on the same database signs with the same key.
 */
export async function loadTokenKeys(em: EntityManager, config: Config, clock: Clock): Promise<TokenKeys> {
  const keys = (secret: Uint8Array): Promise<TokenKeys> => deriveTokenKeys(secret, config);
  if (config.jwtSecret) return keys(config.jwtSecret);
  const stored = await em.findOne(ServerSecret, { name: SECRET_NAME });
  if (stored) return keys(Buffer.from(stored.value, 'base64url'));
  const value = randomBytes(64).toString('base64url');
  try {
    await em.insert(ServerSecret, { name: SECRET_NAME, value, createdAt: new Date(clock()) });
    return keys(Buffer.from(value, 'base64url'));
  } catch (error) {
    // Another instance created it first: use theirs.
    if (!(error instanceof UniqueConstraintViolationException)) throw error;
    const winner = await em.findOneOrFail(ServerSecret, { name: SECRET_NAME }, { refresh: true });
    return keys(Buffer.from(winner.value, 'base64url'));
  }
}
