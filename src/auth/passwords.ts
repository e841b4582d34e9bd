import argon2 from 'argon2';

/** Longer passwords are refused before hashing, so a huge password cannot tie up a worker. */
export const MAX_PASSWORD_BYTES = 1024;

// OWASP's minimum for argon2id. argon2 hashes on libuv's thread pool, off the event loop.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

let dummyHash: Promise<string> | undefined;

export function passwordBytes(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

export function hashPassword(password: string): Promise<string> {
  if (passwordBytes(password) > MAX_PASSWORD_BYTES) throw new RangeError('password too long');
  return argon2.hash(password, HASH_OPTIONS);
}

/**
 * Verifies a password against a stored hash. With no hash (unknown account) it still runs one
 * argon2 verification against a dummy hash, so the answer takes as long either way.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (passwordBytes(password) > MAX_PASSWORD_BYTES) return false;
  if (hash === null) {
    dummyHash ??= argon2.hash('hangar-dummy-password', HASH_OPTIONS);
    await argon2.verify(await dummyHash, password);
    return false;
  }
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** Computes the dummy hash ahead of the first failed login. */
export async function warmPasswordHasher(): Promise<void> {
  await verifyPassword(null, '');
}
