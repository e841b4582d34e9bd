import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isArgon2Hash, parseLegacyHash, UNUSABLE_PASSWORD_HASH, unsaltedSha256Hash, verifyLegacyHash } from '../src/auth/legacyHashes';
import { hashPassword, needsRehash, verifyPassword } from '../src/auth/passwords';
import { sha256Crypt } from '../src/auth/shaCrypt';

// The legacy formats against published vectors: SHA-crypt's own (Drepper's specification),
// RFC 7914's PBKDF2-HMAC-SHA256 and scrypt vectors written in Werkzeug's format, and FIPS 180-2's
// SHA-256 of "abc". Where Werkzeug (python3-werkzeug) or OpenSSL's SHA-crypt are installed, fresh
// hashes from them are checked too.

// From "Unix crypt using SHA-256 and SHA-512" (U. Drepper), its SHA-256 test vectors.
const SHA_CRYPT_VECTORS: [setting: string, password: string, expected: string][] = [
  ['$5$saltstring', 'Hello world!', '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
  ['$5$rounds=10000$saltstringsaltstring', 'Hello world!', '$5$rounds=10000$saltstringsaltst$3xv.VbSHBb41AL9AvLeujZkZRBAwqFMz2.opqey6IcA'],
  ['$5$rounds=5000$toolongsaltstring', 'This is just a test', '$5$rounds=5000$toolongsaltstrin$Un/5jzAHMgOGZ5.mWJpuVolil07guHPvOW8mGRcvxa5'],
  [
    '$5$rounds=1400$anotherlongsaltstring',
    'a very much longer text to encrypt.  This one even stretches over morethan one line.',
    '$5$rounds=1400$anotherlongsalts$Rx.j8H.h8HjEDGomFU8bDkXm3XIUnzyxf12oP84Bnq1',
  ],
  ['$5$rounds=77777$short', 'we have a short salt string but not a short password', '$5$rounds=77777$short$JiO1O3ZpDAxGJeaDIuqCoEFysAe1mZNJRs3pw0KQRd/'],
  ['$5$rounds=123456$asaltof16chars..', 'a short string', '$5$rounds=123456$asaltof16chars..$gP3VQ/6X7UUEW3HkBn2w1/Ptq2jxPyzV/cZKmF/wJvD'],
  ['$5$rounds=10$roundstoolow', 'the minimum number is still observed', '$5$rounds=1000$roundstoolow$yfvwcWrQ8l/K0DAWyuPMDNHpIVlTQebY9l/gL972bIC'],
];

function settingOf(setting: string) {
  const match = /^\$5\$(?:rounds=(\d+)\$)?(.*)$/.exec(setting)!;
  return { rounds: match[1] === undefined ? null : Number(match[1]), salt: match[2]! };
}

// RFC 7914 §11: PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1) and (P="Password", S="NaCl",
// c=80000), whose first 32 bytes are Werkzeug's digest (it derives SHA-256's length), and scrypt
// (P="password", S="NaCl", N=1024, r=8, p=16, 64 bytes, Werkzeug's length).
const WERKZEUG_VECTORS: [hash: string, password: string][] = [
  ['pbkdf2:sha256:1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc', 'passwd'],
  ['pbkdf2:sha256:80000$NaCl$4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56', 'Password'],
  [
    'scrypt:1024:8:16$NaCl$fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640',
    'password',
  ],
];

function available(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAS_WERKZEUG = available('python3', ['-c', 'import werkzeug.security']);
const HAS_OPENSSL_SHA_CRYPT = available('openssl', ['passwd', '-5', '-salt', 'x', 'y']);

describe('SHA-crypt (passlib sha256_crypt)', () => {
  it.each(SHA_CRYPT_VECTORS)('%s', async (setting, password, expected) => {
    expect(await sha256Crypt(password, settingOf(setting))).toBe(expected);
  });

  it.each(SHA_CRYPT_VECTORS.filter(([, , expected]) => !expected.includes('roundstoolow')))(
    'verifies %s, and refuses another password',
    async (_s, password, expected) => {
      const legacy = parseLegacyHash(expected)!;
      expect(legacy.format).toBe('sha256-crypt');
      expect(await verifyLegacyHash(legacy, password)).toBe(true);
      expect(await verifyLegacyHash(legacy, `${password}x`)).toBe(false);
    },
  );

  it.skipIf(!HAS_OPENSSL_SHA_CRYPT)('agrees with OpenSSL on fresh salts and passwords (skipped without openssl passwd -5)', async () => {
    for (const [salt, password, rounds] of [
      ['aB3./xyz', 'pässwörd ✓', 5000],
      ['0123456789abcdef', 'x'.repeat(70), 12345],
      ['s', 'a', 1000],
    ] as const) {
      const setting = rounds === 5000 ? salt : `rounds=${rounds}$${salt}`;
      const expected = execFileSync('openssl', ['passwd', '-5', '-salt', setting, password], { encoding: 'utf8' }).trim();
      expect(await sha256Crypt(password, { salt, rounds: rounds === 5000 ? null : rounds })).toBe(expected);
    }
  });
});

describe('Werkzeug generate_password_hash formats', () => {
  it.each(WERKZEUG_VECTORS)('%s', async (hash, password) => {
    const legacy = parseLegacyHash(hash)!;
    expect(legacy).not.toBeNull();
    expect(await verifyLegacyHash(legacy, password)).toBe(true);
    expect(await verifyLegacyHash(legacy, password.toUpperCase())).toBe(false);
  });

  it("reads pbkdf2:sha256 without a count as Werkzeug 0.x's default of 1000 iterations", async () => {
    const digest = createHash('sha256').update('x').digest('hex');
    expect(parseLegacyHash(`pbkdf2:sha256$salt$${digest}`)).toMatchObject({ format: 'werkzeug-pbkdf2', iterations: 1000 });
  });

  it.skipIf(!HAS_WERKZEUG)('verifies hashes Werkzeug makes now (skipped without python3-werkzeug)', async () => {
    const script = `
import json, werkzeug.security as s
print(json.dumps([s.generate_password_hash("sécret pw", method=m) for m in ["pbkdf2:sha256:1000", "pbkdf2:sha256", "scrypt:16384:8:1", "scrypt"]]))`;
    const hashes = JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' })) as string[];
    for (const hash of hashes) {
      const legacy = parseLegacyHash(hash);
      expect(legacy, hash).not.toBeNull();
      expect(await verifyLegacyHash(legacy!, 'sécret pw'), hash).toBe(true);
      expect(await verifyLegacyHash(legacy!, 'secret pw'), hash).toBe(false);
    }
  });
});

describe('HB unsalted SHA-256 and the unusable marker', () => {
  it('matches FIPS 180-2\'s SHA-256("abc") vector', async () => {
    const stored = unsaltedSha256Hash('BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD')!;
    expect(stored).toBe('sha256-unsalted$ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(await verifyLegacyHash(parseLegacyHash(stored)!, 'abc')).toBe(true);
    expect(await verifyLegacyHash(parseLegacyHash(stored)!, 'abd')).toBe(false);
  });

  it('refuses what is not 64 hex digits', () => {
    expect(unsaltedSha256Hash('abc')).toBeNull();
    expect(unsaltedSha256Hash('z'.repeat(64))).toBeNull();
  });

  it('the unusable marker parses as no format, so no password matches it', async () => {
    expect(parseLegacyHash(UNUSABLE_PASSWORD_HASH)).toBeNull();
    for (const password of ['', '!unusable', 'unusable', 'null']) expect(await verifyPassword(UNUSABLE_PASSWORD_HASH, password)).toBe(false);
  });
});

describe('verifyPassword over legacy hashes', () => {
  it('accepts a legacy hash, and marks it for re-hashing; argon2id hashes need none', async () => {
    const [hash, password] = WERKZEUG_VECTORS[0]!;
    expect(await verifyPassword(hash, password)).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
    expect(needsRehash(hash)).toBe(true);
    const argon = await hashPassword(password);
    expect(isArgon2Hash(argon)).toBe(true);
    expect(needsRehash(argon)).toBe(false);
  });

  it('refuses unknown formats and hashes above the work bounds', () => {
    for (const hash of [
      'md5$abc$def',
      'pbkdf2:sha1:1000$salt$' + 'a'.repeat(40),
      'pbkdf2:sha256:0$salt$' + 'a'.repeat(64),
      'pbkdf2:sha256:99999999$salt$' + 'a'.repeat(64),
      'scrypt:1000:8:1$salt$' + 'a'.repeat(128),
      'scrypt:1048576:64:1$salt$' + 'a'.repeat(128),
      '$5$rounds=99999999$salt$' + 'a'.repeat(43),
      '$6$salt$' + 'a'.repeat(86),
      'sha256-unsalted$' + 'a'.repeat(63),
    ]) {
      expect(parseLegacyHash(hash), hash).toBeNull();
    }
  });
});
