import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { setPriority } from 'node:os';

/**
 * argon2 in a child process at a lower CPU priority (a higher nice value), so that when the cores
 * are busy, password hashing takes what the event loop leaves rather than half of it: on a 2-core
 * machine a login storm on the thread pool took 40% of token requests' throughput. The child runs
 * the argon2 package and nothing else; it is started on first use and again after it dies, and it
 * exits when this process does, or is stopped by the last server that used it.
 */

export type Argon2Options = { type: number; memoryCost: number; timeCost: number; parallelism: number };

type Operation = { op: 'hash'; password: string; options: Argon2Options } | { op: 'verify'; hash: string; password: string };
type Reply = { id: number; value: string | boolean } | { id: number; error: string };

// Plain JavaScript run with `node -e`, so the same text serves tsx, tests and the bundled build.
// A hash argon2 cannot parse is a failed verification, as in process; anything else is an error.
const CHILD = `
const argon2 = require(process.argv[1]);
process.on('message', (request) => {
  const work = request.op === 'hash' ? argon2.hash(request.password, request.options) : argon2.verify(request.hash, request.password).catch(() => false);
  work.then(
    (value) => reply({ id: request.id, value }),
    (error) => reply({ id: request.id, error: String(error && error.message) }),
  );
});
// The parent is gone (it exited, or was killed): so is the point of answering.
const reply = (message) => process.send(message, (error) => error && process.exit(0));
process.on('disconnect', () => process.exit(0));
`;

export class Argon2Process {
  private child: ChildProcess | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (value: string | boolean) => void; reject: (error: Error) => void }>();

  constructor(private nice: number) {}

  setNice(nice: number): void {
    this.nice = nice;
    if (this.child?.pid) setPriority(this.child.pid, nice);
  }

  hash(password: string, options: Argon2Options): Promise<string> {
    return this.send({ op: 'hash', password, options }) as Promise<string>;
  }

  verify(hash: string, password: string): Promise<boolean> {
    return this.send({ op: 'verify', hash, password }) as Promise<boolean>;
  }

  private send(operation: Operation): Promise<string | boolean> {
    const child = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // The channel keeps this process alive only while an answer is owed.
      if (this.pending.size === 1) child.channel?.ref();
      child.send({ ...operation, id }, (error) => error && this.settle(id, { id, error: error.message }));
    });
  }

  start(): ChildProcess {
    if (this.child) return this.child;
    const argon2Path = createRequire(import.meta.url).resolve('argon2');
    // No environment: the child needs none, and the parent's holds secrets.
    const child = spawn(process.execPath, ['-e', CHILD, argon2Path], { env: {}, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    if (child.pid) setPriority(child.pid, this.nice);
    child.on('message', (reply: Reply) => this.settle(reply.id, reply));
    const gone = (error: Error) => {
      if (this.child !== child) return;
      this.child = undefined;
      for (const [, waiter] of this.pending) waiter.reject(error);
      this.pending.clear();
    };
    child.on('error', gone);
    child.on('exit', (code, signal) => gone(new Error(`the argon2 process exited (${signal ?? `code ${code}`})`)));
    child.unref();
    child.channel?.unref();
    this.child = child;
    return child;
  }

  private settle(id: number, reply: Reply): void {
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.child?.channel?.unref();
    if ('error' in reply) waiter.reject(new Error(`argon2: ${reply.error}`));
    else waiter.resolve(reply.value);
  }

  /** Ends the child and waits for it, so that it is gone, not a zombie, when this process exits. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = once(child, 'exit');
    child.ref(); // or this process may exit first, leaving it unreaped
    child.kill();
    await exited;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }
}
