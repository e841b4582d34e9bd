import { createInterface } from 'node:readline';
import { CliError, EXIT, type CliIo } from './io';

const STDIN_LIMIT_BYTES = 64 * 1024;

/**
 * A new password: typed twice at a prompt with echo off when stdin is a terminal, otherwise the
 * first line of stdin (`printf '%s\n' "$PW" | hangar user password alice`). Never from argv.
 */
export async function readNewPassword(io: CliIo, username: string): Promise<string> {
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    const [first, second] = await withEchoOff(io, async () => [
      await promptHidden(io, `New password for ${username}: `),
      await promptHidden(io, 'Repeat it: '),
    ]);
    if (first !== second) throw new CliError(EXIT.invalid, 'password_mismatch', 'the two passwords differ; nothing was changed');
    return first!;
  }
  return readPasswordFromStdin(io);
}

async function readPasswordFromStdin(io: CliIo): Promise<string> {
  let text = '';
  let bytes = 0;
  for await (const chunk of io.stdin) {
    bytes += Buffer.byteLength(chunk as Buffer | string);
    if (bytes > STDIN_LIMIT_BYTES) throw new CliError(EXIT.invalid, 'invalid', 'stdin is too long for a password');
    text += chunk.toString();
  }
  const [line = '', ...rest] = text.split('\n');
  if (rest.some((more) => more.trim() !== '')) {
    throw new CliError(EXIT.usage, 'usage', 'stdin holds more than one line: pipe only the password');
  }
  const password = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (password === '') throw new CliError(EXIT.usage, 'usage', 'no password on stdin: type it at a terminal, or pipe it (printf \'%s\\n\' "$PASSWORD" | ...)');
  return password;
}

/**
 * Runs `work` with the terminal in raw mode (no echo). It is switched before any prompt shows and
 * back after the last, so nothing typed in answer to a prompt, however quickly, is echoed.
 */
async function withEchoOff<T>(io: CliIo, work: () => Promise<T>): Promise<T> {
  io.stdin.setRawMode!(true);
  io.stdin.setEncoding('utf8');
  try {
    return await work();
  } finally {
    io.stdin.setRawMode!(false);
    io.stdin.pause();
  }
}

/** Reads one line typed at a terminal in raw mode; Ctrl-C aborts with exit 130, Ctrl-D with 6. */
function promptHidden(io: CliIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    const finish = (settle: () => void) => {
      stdin.removeListener('data', onData);
      stdin.pause();
      io.stderr.write('\n');
      settle();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(() => resolve(typed));
        if (char === '\u0003') return finish(() => reject(new CliError(EXIT.interrupted, 'interrupted', 'interrupted; nothing was changed')));
        if (char === '\u0004' && typed === '') return finish(() => reject(new CliError(EXIT.aborted, 'aborted', 'no password typed; nothing was changed')));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** Asks a question on the terminal (echo on) and returns the answer line. */
export function ask(io: CliIo, question: string): Promise<string> {
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
    rl.on('close', () => {
      if (!answered) resolve('');
    });
  });
}
