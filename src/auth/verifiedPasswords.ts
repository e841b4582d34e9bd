import { createHmac, randomBytes } from 'node:crypto';

export interface VerifiedPasswordCacheOptions {
  maxEntries: number;
  ttlMs: number;
}

/**
 * Which (stored hash, password) pairs argon2 has recently found to match, so that a client sending
 * its password on every request (Basic) pays for argon2 once per TTL, as Elasticsearch's realm
 * cache does. It answers only "did this password match this exact stored hash?": the caller reads
 * the current hash from the database on every request, so a password change anywhere (a new hash)
 * or a deleted account misses at once. It holds no password: an entry is the stored hash (which the
 * database holds anyway) and HMAC-SHA-256 of the password under a key drawn per process and never
 * written anywhere, so a memory dump yields no password and no offline-crackable digest. Only
 * successes are ever added. Bounded: least recently used entries go first once `maxEntries` are held.
 */
export class VerifiedPasswordCache {
  private readonly key = randomBytes(32);
  /** Entry → expiry time; a Map keeps insertion order, which is recency since hits re-insert. */
  private readonly entries = new Map<string, number>();

  constructor(private readonly options: VerifiedPasswordCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  private entry(storedHash: string, password: string): string {
    return `${storedHash}\n${createHmac('sha256', this.key).update(password, 'utf8').digest('base64')}`;
  }

  /** Whether `password` was verified against `storedHash` within the TTL before `now` (epoch ms). */
  has(storedHash: string, password: string, now: number): boolean {
    const entry = this.entry(storedHash, password);
    const expires = this.entries.get(entry);
    if (expires === undefined) return false;
    this.entries.delete(entry);
    if (expires <= now) return false;
    this.entries.set(entry, expires);
    return true;
  }

  /** Records a successful argon2 verification of `password` against `storedHash`. */
  add(storedHash: string, password: string, now: number): void {
    const entry = this.entry(storedHash, password);
    this.entries.delete(entry);
    this.entries.set(entry, now + this.options.ttlMs);
    while (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
