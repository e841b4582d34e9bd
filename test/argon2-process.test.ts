import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { argon2ProcessId, DUMMY_HASH, hashGateStats, hashPassword, setHashNice, verifyPassword } from '../src/auth/passwords';
import { startTestServer, type TestServer } from './support/testServer';

// argon2 runs in a child process at a lower CPU priority (ARGON2_NICE), so a login storm takes
// what token requests leave (npx tsx bench/loginStorm.ts measures it).

function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const login = (server: TestServer) =>
  fetch(`${server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'user', password: 'password' }),
  });

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

describe('argon2 in a child process', () => {
  let server: TestServer;
  afterAll(async () => {
    await server?.close();
  });

  it('is where a server verifies passwords by default: nice 10, and none of the server environment', async () => {
    server = await startTestServer({ env: { JWT_SECRET: 'a-secret-the-child-must-not-see-0123456789' } });
    expect((await login(server)).status).toBe(200);
    const pid = argon2ProcessId();
    expect(pid).toBeTypeOf('number');
    expect(niceOf(pid!)).toBe(10);
    expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toContain('JWT_SECRET');
  });

  it('hashes and verifies there, and a hash argon2 cannot parse is a failed verification, not an error', async () => {
    const hash = await hashPassword('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong horse')).toBe(false);
    expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$not-base64!$nope', 'x')).toBe(false);
    // An unknown account is verified against a constant hash: it must cost what a new hash costs.
    const parameters = (encoded: string) => encoded.split('$').slice(1, 4);
    expect(parameters(DUMMY_HASH)).toEqual(parameters(hash));
  });

  it('fails a login cut off by its death with a plain error, and the next login starts a new one', async () => {
    const first = argon2ProcessId()!;
    const pending = login(server);
    await until(() => hashGateStats().running === 1);
    process.kill(first, 'SIGKILL');
    const cut = await pending;
    expect(cut.status).toBe(500);
    const body = await cut.text();
    expect(body).not.toMatch(/\n\s+at |argon2/);
    const again = await login(server);
    expect(again.status).toBe(200);
    expect(argon2ProcessId()).not.toBe(first);
  });

  it('stops with the last server that used it, and is reaped, not left a zombie', async () => {
    const pid = argon2ProcessId()!;
    await server.close();
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('is left out at ARGON2_NICE=0, where argon2 runs on the thread pool as it did', async () => {
    await setHashNice(0)();
    expect(argon2ProcessId()).toBeUndefined();
    expect(await verifyPassword(await hashPassword('pw'), 'pw')).toBe(true);
  });
});
