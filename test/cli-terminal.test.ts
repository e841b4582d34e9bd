import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginDocument } from './operations/generated';
import { runCli } from './support/cli';
import { ENGINE } from './support/database';
import { gql, startTestServer, TestClock, type TestServer } from './support/testServer';

// The password prompt at a real terminal: util-linux `script` gives the CLI a pseudo-terminal, and
// the test types at it when the prompt appears. Nothing typed may be echoed back.
const hasScript = spawnSync('script', ['--version']).status === 0;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ clock: new TestClock(Date.now()) });
});
afterAll(() => server?.close());

interface Typed {
  code: number | null;
  output: string;
}

/** Runs `hangar <args>` on a pseudo-terminal, answering each prompt (in order) with a line. */
function atTerminal(args: string[], answers: { prompt: string; line: string }[]): Promise<Typed> {
  return new Promise((resolve, reject) => {
    const command = ['node', 'bin/hangar.js', ...args].join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: server.databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    let next = 0;
    let seen = 0;
    const onOutput = (chunk: Buffer) => {
      output += chunk;
      // Each prompt is answered once, when its text first shows after the previous answer.
      while (next < answers.length && output.indexOf(answers[next]!.prompt, seen) >= 0) {
        seen = output.indexOf(answers[next]!.prompt, seen) + answers[next]!.prompt.length;
        child.stdin.write(`${answers[next]!.line}\r`);
        next += 1;
      }
    };
    child.stdout.on('data', onOutput);
    child.stderr.on('data', onOutput);
    child.on('error', reject);
    child.on('close', (code) => {
      child.stdin.destroy();
      resolve({ code, output });
    });
  });
}

const login = async (username: string, password: string) => (await gql(server, LoginDocument, { username, password })).data?.login.__typename;

describe.skipIf(!hasScript)(`hangar password prompt on a terminal (${ENGINE})`, { timeout: 120_000 }, () => {
  it('asks twice with echo off, and the typed password logs in', async () => {
    const typed = 'typed-At-A-terminal';
    const result = await atTerminal(
      ['user', 'create', 'tty-person'],
      [
        { prompt: 'New password for tty-person: ', line: typed },
        { prompt: 'Repeat it: ', line: typed },
      ],
    );
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('Created user tty-person (id ');
    expect(result.output).not.toContain(typed);
    expect(await login('tty-person', typed)).toBe('TokenPair');
  });

  it('changes nothing when the two differ', async () => {
    const result = await atTerminal(
      ['user', 'password', 'tty-person'],
      [
        { prompt: 'New password for tty-person: ', line: 'first-Attempt-1' },
        { prompt: 'Repeat it: ', line: 'second-Attempt-2' },
      ],
    );
    expect(result.code).toBe(4);
    expect(result.output).toContain('hangar: the two passwords differ; nothing was changed');
    expect(result.output).not.toMatch(/first-Attempt|second-Attempt/);
    expect(await login('tty-person', 'typed-At-A-terminal')).toBe('TokenPair');
  });

  it('asks for the username before deleting, and deletes nothing on another answer', async () => {
    const refused = await atTerminal(['user', 'delete', 'tty-person'], [{ prompt: 'Type the username to confirm: ', line: 'someone-else' }]);
    expect(refused.code).toBe(6);
    expect(refused.output).toContain('hangar: not confirmed; nothing was deleted');
    expect(await login('tty-person', 'typed-At-A-terminal')).toBe('TokenPair');
    const confirmed = await atTerminal(['user', 'delete', 'tty-person'], [{ prompt: 'Type the username to confirm: ', line: 'tty-person' }]);
    expect(confirmed.code, confirmed.output).toBe(0);
    expect((await runCli(server.databaseUrl, ['sessions', 'list', 'tty-person'])).code).toBe(1);
  });
});
