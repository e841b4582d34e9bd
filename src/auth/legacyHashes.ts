import { createHash, pbkdf2, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { sha256Crypt } from './shaCrypt';

// Password hashes written by the Flask originals, kept as they came at import and replaced by an
// argon2id hash at the user's first successful login (services/legacyPasswords.ts). Nothing writes
// one for a new password: hashPassword only makes argon2id.
//
// Stored forms:
// - Werkzeug's generate_password_hash (RA): `pbkdf2:sha256:<iterations>$<salt>$<hex>` and
//   `scrypt:<n>:<r>:<p>$<salt>$<hex>`. The salt is used as its UTF-8 text; the digest is 32 bytes
//   for PBKDF2 (SHA-256's size) and 64 for scrypt, as Werkzeug derives them. `pbkdf2:sha256`
//   without a count means Werkzeug's default of the REST-auth era (0.x), 1000 iterations.
// - passlib's sha256_crypt (RA's older version): SHA-crypt, `$5$[rounds=<n>$]<salt>$<hash>`.
// - HB's unsalted SHA-256: Hangar stores it as `sha256-unsalted$<hex>`, so it cannot be taken for
//   anything else.
// - UNUSABLE_PASSWORD_HASH: an HB user whose `_password` was null. It parses as no format, so no
//   password ever matches it.

export type LegacyFormat = 'werkzeug-pbkdf2' | 'werkzeug-scrypt' | 'sha256-crypt' | 'sha256-unsalted';

export type LegacyHash =
  | { format: 'werkzeug-pbkdf2'; iterations: number; salt: string; digest: Buffer }
  | { format: 'werkzeug-scrypt'; n: number; r: number; p: number; salt: string; digest: Buffer }
  | { format: 'sha256-crypt'; rounds: number | null; salt: string; hash: string }
  | { format: 'sha256-unsalted'; digest: Buffer };

/** Never matches a password: the stored hash of an account that cannot log in with one. */
export const UNUSABLE_PASSWORD_HASH = '!unusable';
export const UNSALTED_SHA256_PREFIX = 'sha256-unsalted$';
export const WERKZEUG_PBKDF2_DEFAULT_ITERATIONS = 1000;

// Upper bounds on the work one verification may cost; a hash above them is refused at import.
const MAX_PBKDF2_ITERATIONS = 10_000_000;
const MAX_SHA_CRYPT_ROUNDS = 10_000_000;
const MAX_SCRYPT_BYTES = 256 * 1024 * 1024;

const HEX = /^[0-9a-f]+$/;
const PBKDF2 = /^pbkdf2:sha256(?::(\d+))?\$([^$]*)\$([0-9a-f]{64})$/;
const SCRYPT = /^scrypt:(\d+):(\d+):(\d+)\$([^$]*)\$([0-9a-f]{128})$/;
// passlib's salt alphabet is ./0-9A-Za-z, at most 16 characters; its hash is 43 characters.
const SHA_CRYPT = /^\$5\$(?:rounds=(\d+)\$)?([./0-9A-Za-z]{0,16})\$([./0-9A-Za-z]{43})$/;

const pbkdf2Async = promisify(pbkdf2);
const scryptAsync = promisify(scrypt) as (
  password: Buffer,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

export function isArgon2Hash(hash: string): boolean {
  return hash.startsWith('$argon2');
}

/** The legacy hash `hash` is, or null when it is none of the formats (argon2, unusable, unknown). */
export function parseLegacyHash(hash: string): LegacyHash | null {
  let match = PBKDF2.exec(hash);
  if (match) {
    const iterations = match[1] === undefined ? WERKZEUG_PBKDF2_DEFAULT_ITERATIONS : Number(match[1]);
    if (iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) return null;
    return { format: 'werkzeug-pbkdf2', iterations, salt: match[2]!, digest: Buffer.from(match[3]!, 'hex') };
  }
  match = SCRYPT.exec(hash);
  if (match) {
    const [n, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const powerOfTwo = n > 1 && (n & (n - 1)) === 0;
    if (!powerOfTwo || r < 1 || p < 1 || scryptMemory(n, r, p) > MAX_SCRYPT_BYTES) return null;
    return { format: 'werkzeug-scrypt', n, r, p, salt: match[4]!, digest: Buffer.from(match[5]!, 'hex') };
  }
  match = SHA_CRYPT.exec(hash);
  if (match) {
    const rounds = match[1] === undefined ? null : Number(match[1]);
    if (rounds !== null && rounds > MAX_SHA_CRYPT_ROUNDS) return null;
    return { format: 'sha256-crypt', rounds, salt: match[2]!, hash };
  }
  if (hash.startsWith(UNSALTED_SHA256_PREFIX)) {
    const hex = hash.slice(UNSALTED_SHA256_PREFIX.length);
    if (hex.length === 64 && HEX.test(hex)) return { format: 'sha256-unsalted', digest: Buffer.from(hex, 'hex') };
  }
  return null;
}

function scryptMemory(n: number, r: number, p: number): number {
  return 128 * n * r * p + 1024 * r * 2;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether `password` matches; the comparison is constant-time. */
export async function verifyLegacyHash(legacy: LegacyHash, password: string): Promise<boolean> {
  const key = Buffer.from(password, 'utf8');
  switch (legacy.format) {
    case 'werkzeug-pbkdf2':
      return sameBytes(await pbkdf2Async(key, Buffer.from(legacy.salt, 'utf8'), legacy.iterations, 32, 'sha256'), legacy.digest);
    case 'werkzeug-scrypt': {
      const { n, r, p } = legacy;
      const derived = await scryptAsync(key, Buffer.from(legacy.salt, 'utf8'), 64, { N: n, r, p, maxmem: scryptMemory(n, r, p) + 1024 * 1024 });
      return sameBytes(derived, legacy.digest);
    }
    case 'sha256-crypt': {
      const computed = await sha256Crypt(password, { salt: legacy.salt, rounds: legacy.rounds });
      return sameBytes(Buffer.from(computed), Buffer.from(legacy.hash));
    }
    case 'sha256-unsalted':
      return sameBytes(createHash('sha256').update(key).digest(), legacy.digest);
  }
}

/** HB's `_password` (hex SHA-256 of the password) in the form Hangar stores, or null when it is not one. */
export function unsaltedSha256Hash(hex: string): string | null {
  const lower = hex.toLowerCase();
  return lower.length === 64 && HEX.test(lower) ? `${UNSALTED_SHA256_PREFIX}${lower}` : null;
}
