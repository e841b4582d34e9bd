// What every hangar command shares: its streams, its exit codes, and one way of reporting a result
// or a failure (a line for people, or one JSON document with --json).

/** The streams a command runs with; `env` is the environment config is read from. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
}

/** Every hangar command, the lazily loaded ones included (`runImport` has this shape too). */
export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

/** Exit codes, as the README's Admin CLI section lists them. */
export const EXIT = {
  ok: 0,
  notFound: 1,
  usage: 2,
  migrationsPending: 3,
  invalid: 4,
  conflict: 5,
  aborted: 6,
  database: 7,
  internal: 70,
  interrupted: 130,
} as const;

/** A failure with its exit code, a stable `code` for --json, and a one-line message. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const usageError = (message: string, group?: string) => new CliError(EXIT.usage, 'usage', `${message} (see: hangar help${group ? ` ${group}` : ''})`);

/** What a command prints: `text` for people, `json` for --json. */
export interface CommandOutput {
  text: string;
  json: unknown;
  exitCode?: number;
}

export function writeOutput(io: CliIo, json: boolean, output: CommandOutput): number {
  io.stdout.write(json ? `${JSON.stringify(output.json, null, 2)}\n` : output.text.endsWith('\n') ? output.text : `${output.text}\n`);
  return output.exitCode ?? EXIT.ok;
}

/** Reports a failure: one line on stderr, and with --json the error document on stdout. */
export function writeFailure(io: CliIo, json: boolean, error: CliError): number {
  io.stderr.write(`hangar: ${error.message}\n`);
  if (json) io.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message, ...error.details } }, null, 2)}\n`);
  return error.exitCode;
}
