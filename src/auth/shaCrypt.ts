import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

// SHA-crypt with SHA-256 (`$5$`), as specified by Ulrich Drepper ("Unix crypt using SHA-256 and
// SHA-512"), which passlib's sha256_crypt writes. Written from the specification; tested against
// its published vectors (test/legacy-hashes.test.ts).

export const SHA_CRYPT_DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;
const MAX_SALT = 16;
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Which bytes of the final digest make up each group of four characters (the last group has three).
const GROUPS: [number, number, number][] = [
  [0, 10, 20],
  [21, 1, 11],
  [12, 22, 2],
  [3, 13, 23],
  [24, 4, 14],
  [15, 25, 5],
  [6, 16, 26],
  [27, 7, 17],
  [18, 28, 8],
  [9, 19, 29],
];
/** Rounds run between two yields to the event loop, so a costly hash never blocks it for long. */
const ROUNDS_PER_SLICE = 2000;

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

/** `length` bytes made of `block` repeated (and cut). */
function repeated(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let at = 0; at < length; at += block.length) block.copy(out, at, 0, Math.min(block.length, length - at));
  return out;
}

function encode64(digest: Buffer): string {
  let out = '';
  const put = (word: number, chars: number) => {
    for (let i = 0; i < chars; i += 1) {
      out += ITOA64[word & 0x3f];
      word >>>= 6;
    }
  };
  for (const [a, b, c] of GROUPS) put((digest[a]! << 16) | (digest[b]! << 8) | digest[c]!, 4);
  put((digest[31]! << 8) | digest[30]!, 3);
  return out;
}

export interface ShaCryptSetting {
  salt: string;
  /** Null: the default 5000, and the output names no rounds. */
  rounds: number | null;
}

/** The full `$5$[rounds=N$]salt$hash` string for a password and setting. */
export async function sha256Crypt(password: string, setting: ShaCryptSetting): Promise<string> {
  const key = Buffer.from(password, 'utf8');
  const salt = Buffer.from(setting.salt.slice(0, MAX_SALT), 'utf8');
  const rounds = setting.rounds === null ? SHA_CRYPT_DEFAULT_ROUNDS : Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, setting.rounds));

  const b = sha256(key, salt, key);
  const a = createHash('sha256').update(key).update(salt);
  for (let left = key.length; left > 0; left -= 32) a.update(b.subarray(0, Math.min(32, left)));
  for (let bits = key.length; bits > 0; bits >>>= 1) a.update(bits & 1 ? b : key);
  let c = a.digest();

  const p = repeated(sha256(...Array<Buffer>(key.length).fill(key)), key.length);
  const s = repeated(sha256(...Array<Buffer>(16 + c[0]!).fill(salt)), salt.length);

  for (let i = 0; i < rounds; i += 1) {
    if (i > 0 && i % ROUNDS_PER_SLICE === 0) await yieldToEventLoop();
    const round = createHash('sha256').update(i & 1 ? p : c);
    if (i % 3 !== 0) round.update(s);
    if (i % 7 !== 0) round.update(p);
    c = round.update(i & 1 ? c : p).digest();
  }
  const roundsPart = setting.rounds === null ? '' : `rounds=${rounds}$`;
  return `$5$${roundsPart}${salt.toString('utf8')}$${encode64(c)}`;
}
