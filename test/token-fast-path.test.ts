import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { errors as joseErrors, jwtVerify } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { deriveTokenKeys, signToken, verifyTokenSignature, type TokenKeys } from '../src/auth/tokens';

// verifyTokenSignature checks HS256 on the main thread with node:crypto and leaves every token it
// does not accept to jose. These tests hold it to jose: whatever it accepts, jose accepts with the
// same claims, and a refusal keeps jose's reason.

const NOW = Date.UTC(2026, 11, 7, 12);
const config = { jwtIssuer: 'hangar', jwtAudience: 'hangar' };
const spec = { type: 'access' as const, subject: 'c0ffee00-0000-4000-8000-000000000001', identity: 1, version: 0, family: 'fam' };

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A token signed with the keys' secret over any header and payload text. */
function forge(keys: TokenKeys, header: unknown, payload: unknown): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', keys.secret).update(input).digest('base64url')}`;
}

/** jose's own verdict with the options Hangar gives it: the payload, or the error's class name. */
async function joseVerdict(keys: TokenKeys, token: string): Promise<unknown> {
  try {
    const { payload } = await jwtVerify(token, keys.key, {
      algorithms: ['HS256'],
      issuer: keys.issuer,
      audience: keys.audience,
      currentDate: new Date(NOW),
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'nbf'],
    });
    return payload;
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

async function hangarVerdict(keys: TokenKeys, token: string): Promise<unknown> {
  try {
    return await verifyTokenSignature(keys, token, 'access', NOW);
  } catch (error) {
    return (error as { reason?: string }).reason ?? String(error);
  }
}

describe('the HS256 fast path', () => {
  it('accepts what Hangar signs without calling WebCrypto', async () => {
    const keys = await deriveTokenKeys(randomBytes(32), config);
    const { token, claims } = await signToken(keys, spec, NOW, 600);
    const verify = vi.spyOn(globalThis.crypto.subtle, 'verify');
    try {
      expect(await verifyTokenSignature(keys, token, 'access', NOW)).toEqual(claims);
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('refuses as jose does: expiry, not-before, issuer, audience, signature, algorithm, shape', async () => {
    const keys = await deriveTokenKeys(randomBytes(32), config);
    const other = await deriveTokenKeys(randomBytes(32), config);
    const iat = Math.floor(NOW / 1000);
    const header = { alg: 'HS256', typ: 'at+jwt' };
    const claims = { sub: spec.subject, jti: 'j', iat, nbf: iat, exp: iat + 600, iss: 'hangar', aud: 'hangar', type: 'access', ver: 0, fam: 'f' };
    const { token } = await signToken(keys, spec, NOW, 600);
    const cases: [string, string, string][] = [
      ['expired', forge(keys, header, { ...claims, exp: iat }), 'expired'],
      ['not yet valid', forge(keys, header, { ...claims, nbf: iat + 1 }), 'invalid_claims'],
      ['other issuer', forge(keys, header, { ...claims, iss: 'else' }), 'invalid_claims'],
      ['other audience', forge(keys, header, { ...claims, aud: ['else'] }), 'invalid_claims'],
      ['no jti', forge(keys, header, { ...claims, jti: undefined }), 'invalid_claims'],
      ['exp as text', forge(keys, header, { ...claims, exp: String(iat + 600) }), 'invalid_claims'],
      ['other key', forge(other, header, claims), 'bad_signature'],
      ['alg none', `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`, 'disallowed_alg'],
      ['HS512 header', forge(keys, { alg: 'HS512', typ: 'at+jwt' }, claims), 'disallowed_alg'],
      ['payload not an object', forge(keys, header, [1, 2]), 'malformed_token'],
      ['payload not JSON', forge(keys, header, 'not json'), 'malformed_token'],
      ['signature cut', token.slice(0, -2), 'malformed_token'],
      ['signature of another token', `${token.slice(0, token.lastIndexOf('.'))}.${forge(keys, header, claims).split('.')[2]}`, 'bad_signature'],
      ['two parts', token.split('.').slice(0, 2).join('.'), 'malformed_token'],
      ['refresh type', forge(keys, { alg: 'HS256', typ: 'rt+jwt' }, { ...claims, type: 'refresh' }), 'access_token_required'],
      ['typ does not match type', forge(keys, { alg: 'HS256', typ: 'rt+jwt' }, claims), 'invalid_claims'],
    ];
    for (const [name, forged, reason] of cases) {
      expect(await hangarVerdict(keys, forged), name).toBe(reason);
    }
    // Shapes Hangar never signs are left to jose, which accepts them: an audience list, a crit-free extra header.
    expect(await hangarVerdict(keys, forge(keys, header, { ...claims, aud: ['x', 'hangar'] }))).toMatchObject({ sub: spec.subject });
    expect(await hangarVerdict(keys, forge(keys, { ...header, kid: 'k' }, claims))).toMatchObject({ sub: spec.subject });
    expect(await joseVerdict(keys, forge(keys, header, { ...claims, exp: iat }))).toBe(joseErrors.JWTExpired.name);
  });

  it('never accepts a token jose refuses, nor with other claims (property)', async () => {
    const keys = await deriveTokenKeys(randomBytes(32), config);
    const iat = Math.floor(NOW / 1000);
    const base = { sub: spec.subject, jti: 'j', iat, nbf: iat, exp: iat + 600, iss: 'hangar', aud: 'hangar', type: 'access', ver: 0, fam: 'f' };
    const claimValue = fc.oneof(fc.integer({ min: iat - 5, max: iat + 5 }), fc.constantFrom('hangar', 'x', null, ['hangar'], [], true), fc.string());
    const payloads = fc.record(Object.fromEntries(Object.keys(base).map((key) => [key, claimValue])), { requiredKeys: [] });
    const headers = fc.record(
      { alg: fc.constantFrom('HS256', 'HS384', 'none'), typ: fc.constantFrom('at+jwt', 'JWT'), crit: fc.constant(['b64']) },
      { requiredKeys: ['alg'] },
    );
    const tokens = fc.oneof(
      fc
        .tuple(
          headers,
          fc.tuple(payloads, fc.constant(base)).map(([changed, whole]) => ({ ...whole, ...changed })),
        )
        .map(([h, p]) => forge(keys, h, p)),
      // One character of a good token changed anywhere.
      fc.tuple(fc.nat(), fc.constantFrom('A', 'b', '_', '-', '.', '=')).map(([at, char]) => {
        const good = forge(keys, { alg: 'HS256', typ: 'at+jwt' }, base);
        const i = at % good.length;
        return good.slice(0, i) + char + good.slice(i + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(tokens, async (token) => {
        const ours = await hangarVerdict(keys, token);
        if (typeof ours === 'string') return;
        const theirs = await joseVerdict(keys, token);
        expect(typeof theirs).toBe('object');
        expect(ours).toMatchObject({ sub: (theirs as { sub: string }).sub, jti: (theirs as { jti: string }).jti, exp: (theirs as { exp: number }).exp });
      }),
      { numRuns: 500 },
    );
  });
});
