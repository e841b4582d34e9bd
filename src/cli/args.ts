import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const satisfies Options;

const PASSWORD_OPTION = /^(--password|--pass|-p)(=|$)/;

/**
 * Parses a command's arguments strictly (unknown options are usage errors) with --json and --help
 * added. A password option is refused with the reason: argv is visible to every local user and
 * lands in shell history.
 */
export function parseCommandArgs<T extends Options>(args: string[], options: T, group: string) {
  if (args.some((arg) => PASSWORD_OPTION.test(arg))) {
    throw usageError('passwords are never taken from the command line: type it at the prompt, or pipe it on stdin', group);
  }
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (!code?.startsWith('ERR_PARSE_ARGS')) throw error;
    const option = /'([^']+)'/.exec(message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw usageError(`unknown option ${option}`, group);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw usageError(`option ${option?.split(' ')[0]} needs a value`, group);
    throw usageError(message.split('. ')[0]!, group);
  }
}

/** Exactly `count` positionals, or a usage error naming what is missing or extra. */
export function positionals(values: string[], names: string[], group: string): string[] {
  if (values.length < names.length)
    throw usageError(
      `missing ${names
        .slice(values.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
      group,
    );
  if (values.length > names.length) throw usageError(`unexpected argument "${values[names.length]}"`, group);
  return values;
}
