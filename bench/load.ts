// Load helpers shared by bench/loginStorm.ts, bench/passwordCache.ts and bench/shipsList.ts
// (bench/harness.ts's `measure` posts one fixed body).
import autocannon from 'autocannon';

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

export interface Load {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  /** A new body for each request (the rotation of a login storm's accounts). */
  nextBody?: () => string;
}

/** Runs one load; any non-2xx answer or socket error fails the bench. */
export async function run(load: Load): Promise<Figures> {
  const requests = load.nextBody ? [{ setupRequest: (req: object) => ({ ...req, body: load.nextBody!() }) }] : undefined;
  const result = await autocannon({
    url: load.url,
    method: load.method ?? 'GET',
    headers: load.headers,
    connections: load.connections,
    duration: load.seconds,
    requests,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${load.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

/** The Bearer access token of the demo user, from TX's /auth/login. */
export async function txAccessToken(url: string, username = 'user', password = 'password'): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`login as ${username}: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** Stops a started server and waits for it to exit, so it never writes to a closed pipe. */
export async function stop(target: { child: import('node:child_process').ChildProcess }): Promise<void> {
  if (target.child.exitCode !== null || target.child.signalCode !== null) return;
  const exited = new Promise((resolve) => target.child.once('exit', resolve));
  target.child.kill('SIGTERM');
  await exited;
}
