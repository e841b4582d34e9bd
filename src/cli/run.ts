import { ConfigError } from '../config';
import { isDatabaseUnavailable } from '../db/unavailable';
import { ConflictError, NotFoundError, ValidationError } from '../services/errors';
import { CliError, EXIT, usageError, writeFailure, writeOutput, type CliIo, type CommandOutput } from './io';
import { GROUP_USAGE } from './usage';

/** Whether the arguments ask for JSON (before any `--`), known even when they fail to parse. */
export function wantsJson(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).includes('--json');
}

const firstLine = (message: string) => message.split('\n')[0]!.trim();

/** The exit code, code and one-line message of whatever a command threw. Never a stack. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof NotFoundError) return new CliError(EXIT.notFound, 'not_found', `${error.resource.toLowerCase()} ${error.id} not found`);
  if (error instanceof ValidationError) {
    const problems = Object.entries(error.fieldErrors).map(([field, messages]) => `${field}: ${messages.join(' ')}`);
    return new CliError(EXIT.invalid, 'invalid', problems.join('; '), { fields: error.fieldErrors });
  }
  if (error instanceof ConflictError) return new CliError(EXIT.conflict, 'conflict', `${error.field}: ${error.message}`, { field: error.field });
  if (error instanceof ConfigError) return new CliError(EXIT.database, 'config', `invalid configuration: ${error.problems.join('; ')}`);
  const message = error instanceof Error ? firstLine(error.message) : String(error);
  // initORM's own refusals (src/db/orm.ts), by name: importing the class would load MikroORM.
  if (error instanceof Error && error.name === 'DatabaseStartupError') return new CliError(EXIT.database, 'database', message);
  if (isDatabaseUnavailable(error)) return new CliError(EXIT.database, 'database_unavailable', `database unavailable: ${message}`);
  return new CliError(EXIT.internal, 'internal', `unexpected error: ${message}`);
}

/** Runs a command body and reports its result or its failure, as text or with --json. */
export async function report(io: CliIo, args: string[], body: () => Promise<CommandOutput>): Promise<number> {
  const json = wantsJson(args);
  try {
    return writeOutput(io, json, await body());
  } catch (error) {
    return writeFailure(io, json, toCliError(error));
  }
}

export const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

/** A command's usage as its output (for --help). */
export const usageOutput = (group: string): CommandOutput => ({ text: GROUP_USAGE[group]!, json: { usage: GROUP_USAGE[group] } });

export type Subcommands = Record<string, (io: CliIo, args: string[]) => Promise<CommandOutput>>;

/** `hangar <group> <subcommand> ...`: picks the subcommand, or reports a usage error. */
export function runGroup(io: CliIo, args: string[], group: string, subcommands: Subcommands): Promise<number> {
  return report(io, args, async () => {
    // The subcommand is the first word, wherever --json stands.
    const at = args.findIndex((arg) => arg !== '--json');
    const sub = at < 0 ? undefined : args[at];
    const rest = args.filter((_, i) => i !== at);
    if (wantsHelp(args)) return usageOutput(group);
    const names = Object.keys(subcommands);
    if (sub === undefined) throw usageError(`missing a command: hangar ${group} ${names.join('|')}`, group);
    const run = Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
    if (!run) throw usageError(`unknown command "${group} ${sub}"; try ${names.map((name) => `${group} ${name}`).join(', ')}`, group);
    return run(io, rest);
  });
}
