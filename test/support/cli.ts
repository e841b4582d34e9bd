import { spawn } from 'node:child_process';

// Runs the admin CLI as `npx hangar` does: a real process through bin/hangar.js.

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed, for --json runs. */
  json(): Record<string, unknown>;
}

export interface CliOptions {
  /** Written to stdin, which is then closed; without it stdin is empty. */
  input?: string;
  env?: Record<string, string>;
}

/** `hangar <args>` against `databaseUrl` (DATABASE_URL), with the environment of the test minus Hangar's settings. */
export function runCli(databaseUrl: string, args: string[], options: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/hangar.js', ...args], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: databaseUrl, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json: () => JSON.parse(stdout) as Record<string, unknown>,
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}

/** The auth event JSON lines the CLI wrote on stderr. */
export function cliEvents(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"type":"auth"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
