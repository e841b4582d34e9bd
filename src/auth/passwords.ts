import argon2 from 'argon2';
import { Argon2Process } from './argon2Process';
import { isArgon2Hash, parseLegacyHash, verifyLegacyHash } from './legacyHashes';

/** Longer passwords are refused before hashing, so a huge password cannot tie up a worker. */
export const MAX_PASSWORD_BYTES = 1024;

// OWASP's minimum for argon2id. argon2 hashes off the event loop: in the argon2 process
// (auth/argon2Process.ts), or on libuv's thread pool.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * What an unknown account's password is verified against, so that the answer takes as long as for
 * a known one: an argon2id hash, with HASH_OPTIONS's parameters, of 32 random bytes nobody kept. A
 * constant, so that no hash has to be computed before a server answers.
 */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$lTWe7++gtaOJm4XO+Juwqg$n+vv5Vvq4Bng7fzuoA5EIKt33oQ04ZuoIaVJhWlIwC4';
let verifications = 0;

/** argon2 verifications this process has run (tests see what the verified-password cache saves). */
export const argon2Verifications = (): number => verifications;

/**
 * argon2 runs on libuv's thread pool, which SQLite queries share. Unbounded, a flood of password
 * requests fills every pool thread and token- or cookie-authenticated requests wait behind it.
 * At most `limit` hashes run at once; the rest queue here, on the JS side.
 */
class HashGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Told how long each operation waited for its turn, in seconds (metrics). */
  readonly waitObservers = new Set<(seconds: number) => void>();
  constructor(public limit: number) {}

  get stats(): HashGateStats {
    return { running: this.running, waiting: this.waiting.length, limit: this.limit };
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const queuedAt = performance.now();
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    for (const observe of this.waitObservers) observe((performance.now() - queuedAt) / 1000);
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

export interface HashGateStats {
  running: number;
  waiting: number;
  limit: number;
}

const gate = new HashGate(1);

/** argon2 operations running and queued right now, in this process. */
export function hashGateStats(): HashGateStats {
  return gate.stats;
}

/** Calls `observer` with each argon2 operation's queue wait, in seconds; returns the unsubscribe. */
export function observeHashWaits(observer: (seconds: number) => void): () => void {
  gate.waitObservers.add(observer);
  return () => gate.waitObservers.delete(observer);
}

/** The argon2 child process's pid, when argon2 runs in one (tests). */
export function argon2ProcessId(): number | undefined {
  return hasher === inProcess ? undefined : argon2Process?.pid;
}

/** How many argon2 operations may use the thread pool at once (ARGON2_CONCURRENCY). */
export function setHashConcurrency(limit: number): void {
  gate.limit = limit;
}

interface Argon2 {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for a hash argon2 cannot parse; rejects only when it could not check. */
  verify(hash: string, password: string): Promise<boolean>;
}

const inProcess: Argon2 = {
  hash: (password) => argon2.hash(password, HASH_OPTIONS),
  verify: (hash, password) => argon2.verify(hash, password).catch(() => false),
};
let argon2Process: Argon2Process | undefined;
let argon2ProcessUsers = 0;
let hasher: Argon2 = inProcess;

/**
 * ARGON2_NICE: above 0, argon2 runs in a child process at that nice value (auth/argon2Process.ts);
 * 0 runs it on this process's thread pool, which is what a program without a server (the CLI)
 * does. Returns the release a server calls as it stops: the last one stops the child.
 */
export function setHashNice(nice: number): () => Promise<void> {
  if (nice === 0) {
    hasher = inProcess;
    return async () => undefined;
  }
  if (argon2Process) argon2Process.setNice(nice);
  else argon2Process = new Argon2Process(nice);
  const child = argon2Process;
  hasher = { hash: (password) => child.hash(password, HASH_OPTIONS), verify: (hash, password) => child.verify(hash, password) };
  argon2ProcessUsers += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    argon2ProcessUsers -= 1;
    if (argon2ProcessUsers === 0) await child.stop();
  };
}

export function passwordBytes(password: string): number {
  return Buffer.byteLength(password, 'utf8');
}

export function hashPassword(password: string): Promise<string> {
  if (passwordBytes(password) > MAX_PASSWORD_BYTES) throw new RangeError('password too long');
  return gate.run(() => hasher.hash(password)).then(canonicalArgon2);
}

const ARGON2_PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([^$]+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/**
 * An argon2 hash in the reference encoding (libargon2's, the one argon2-cffi, Go and most other
 * stacks decode): parameters in the order m, t, p. The argon2 package writes m, p, t, which they
 * refuse, so a hash is re-encoded, losslessly, before it is stored. Anything else is returned as it is.
 */
export function canonicalArgon2(hash: string): string {
  const match = ARGON2_PHC.exec(hash);
  if (!match) return hash;
  const params = new Map(match[3]!.split(',').map((pair) => pair.split('=') as [string, string | undefined]));
  const [m, t, p] = [params.get('m'), params.get('t'), params.get('p')];
  if (params.size !== 3 || !m || !t || !p) return hash;
  return `$${match[1]}$v=${match[2]}$m=${m},t=${t},p=${p}$${match[4]}$${match[5]}`;
}

/**
 * Verifies a password against a stored hash. With no hash (unknown account) it still runs one
 * argon2 verification against a dummy hash, so the answer takes as long either way. A legacy hash
 * (auth/legacyHashes.ts) is checked under the same gate; when it does not match, the dummy argon2
 * verification runs too, and when it does the caller re-hashes with argon2id
 * (`needsRehash`), so neither answer is quicker than an unknown account's. A legacy format
 * costlier than argon2 (PBKDF2 with many iterations) is slower until the user's first login.
 */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (passwordBytes(password) > MAX_PASSWORD_BYTES) return false;
  if (hash === null || !isArgon2Hash(hash)) {
    const legacy = hash === null ? null : parseLegacyHash(hash);
    if (legacy && (await gate.run(() => verifyLegacyHash(legacy, password)))) return true;
    verifications += 1;
    await gate.run(() => hasher.verify(DUMMY_HASH, password));
    return false;
  }
  verifications += 1;
  return gate.run(() => hasher.verify(hash, password));
}

/** Whether a hash that just verified should be replaced by an argon2id one (it is a legacy hash). */
export function needsRehash(hash: string): boolean {
  return !isArgon2Hash(hash);
}

/** Starts the argon2 process, if argon2 runs in one, so that the first login does not wait for it. */
export function warmPasswordHasher(): void {
  if (hasher !== inProcess) argon2Process?.start();
}
