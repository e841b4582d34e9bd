import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tempDatabase } from './support/testServer';

// `npm start` runs src/main.ts with tsx; this drives that entry point as a real process.
function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  listening.catch(() => undefined); // a test that expects an early exit does not await it
  return { child, listening, output: () => output };
}

describe('the server process', () => {
  it('opens the database (creating a SQLite file), serves, and shuts down cleanly on SIGTERM', async () => {
    const db = await tempDatabase();
    try {
      const { child, listening } = startMain({ PORT: '0', DATABASE_URL: db.url });
      const url = await listening;
      if (db.file) expect(existsSync(db.file)).toBe(true);
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ ship(id: 1) { ... on Ship { model } } }' }),
      });
      expect(await response.json()).toEqual({ data: { ship: { model: 'T-65 X-Wing' } } });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
    } finally {
      await db.cleanup();
    }
  });

  it('refuses to start with an invalid configuration and says why', async () => {
    const { child, output } = startMain({ JWT_SECRET: 'too-short' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('JWT_SECRET must be at least 32 bytes');
    expect(output()).not.toMatch(/\n\s+at /);
  });
});
