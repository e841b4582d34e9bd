// The admin CLI: `npx hangar <command>` or `npm run hangar -- <command>` (through bin/hangar.js).
// This file only dispatches; each command's module is loaded when it runs, so help and usage
// errors answer without loading the ORM.

import { CliError, EXIT, usageError, writeFailure, type CliCommand, type CliIo } from './io';
import { GROUP_USAGE, OPTIONS_USAGE } from './usage';

interface CommandEntry {
  summary: string;
  load(): Promise<CliCommand>;
}

/** Every command. Another is one line: its summary and its module's `(args, io) => exit code`. */
export const COMMANDS: Record<string, CommandEntry> = {
  user: { summary: 'create an account, set its password, delete it', load: async () => (await import('./commands/user')).runUser },
  sessions: { summary: "list a user's sessions, revoke one or all", load: async () => (await import('./commands/sessions')).runSessions },
  tokens: { summary: 'revoke every token of a user', load: async () => (await import('./commands/tokens')).runTokens },
  purge: { summary: 'delete expired sessions, revocations and throttle rows', load: async () => (await import('./commands/purge')).runPurge },
  status: {
    summary: 'migration status and account counts (exit 3 while migrations are pending)',
    load: async () => (await import('./commands/status')).runStatus,
  },
  migrate: { summary: 'apply pending migrations', load: async () => (await import('./commands/status')).runMigrate },
  import: { summary: 'import the users (and ships, sessions) of a Flask original: ra, hb or tx', load: async () => (await import('./import')).runImport },
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const lines = Object.entries(COMMANDS).map(([name, entry]) => `  ${name.padEnd(width)}${entry.summary}`);
  return `Usage: hangar <command> [options]   (npx hangar, or npm run hangar -- ...)\n\nCommands:\n${lines.join('\n')}\n  ${'help'.padEnd(width)}this text; hangar help <command> for one command\n\n${OPTIONS_USAGE}\n`;
}

/**
 * Takes `--database <url>` (anywhere before `--`) out of the arguments into DATABASE_URL, so every
 * command, the lazily loaded ones included, gets it through loadConfig and its validation.
 */
function takeDatabaseOption(args: string[], io: CliIo): { args: string[]; io: CliIo } {
  const rest: string[] = [];
  let url: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--database') {
      url = args[i + 1];
      if (url === undefined || url.startsWith('--')) throw usageError('option --database needs a value');
      i += 1;
    } else if (arg.startsWith('--database=')) url = arg.slice('--database='.length);
    else rest.push(arg);
  }
  return { args: rest, io: url === undefined ? io : { ...io, env: { ...io.env, DATABASE_URL: url } } };
}

export async function runHangar(argv: string[], io: CliIo): Promise<number> {
  const json = argv.includes('--json');
  try {
    const { args, io: commandIo } = takeDatabaseOption(argv, io);
    // `hangar --json status` as well as `hangar status --json`.
    const leading = args.findIndex((arg) => arg !== '--json');
    const name: string | undefined = leading < 0 ? undefined : args[leading];
    const rest = leading < 0 ? args : [...args.slice(leading + 1), ...args.slice(0, leading)];
    if (name === 'help' || name === '--help' || name === '-h' || name === undefined) {
      const topic = rest.find((arg) => !arg.startsWith('-'));
      if (topic !== undefined && topic in COMMANDS && !(topic in GROUP_USAGE)) return (await COMMANDS[topic]!.load())(['--help'], commandIo);
      if (topic !== undefined && !(topic in GROUP_USAGE)) throw usageError(`unknown command "${topic}"`);
      const text = topic === undefined ? overview() : `${GROUP_USAGE[topic]}\n\n${OPTIONS_USAGE}\n`;
      const out = name === undefined ? io.stderr : io.stdout;
      out.write(json ? `${JSON.stringify({ usage: text }, null, 2)}\n` : text);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) throw usageError(`unknown command "${name}"`);
    return await (
      await entry.load()
    )(rest, commandIo);
  } catch (error) {
    const failure =
      error instanceof CliError ? error : new CliError(EXIT.internal, 'internal', `unexpected error: ${(error as Error)?.message?.split('\n')[0]}`);
    return writeFailure(io, json, failure);
  }
}

/** The program: bin/hangar.js calls this. Exits once stdout has drained into its pipe. */
export async function main(): Promise<void> {
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
  // A reader that stops early (`hangar status | head -1`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => process.exit(error.code === 'EPIPE' ? 0 : EXIT.internal));
  const code = await runHangar(process.argv.slice(2), io);
  process.stdout.write('', () => process.exit(code));
}
