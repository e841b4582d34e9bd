import { readFileSync, statSync } from 'node:fs';
import { usernameProblem } from '../auth/identifiers';
import { StoreInputError } from './store';

/** Reads and parses a JSON file; a missing, unreadable or malformed file is a StoreInputError. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new StoreInputError(file, 'is a directory, not a JSON file');
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof StoreInputError) throw error;
    throw new StoreInputError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new StoreInputError(file, `is not valid JSON (${(error as Error).message})`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field checks for one record of one file; each failure names the file, the record and the field. */
export class RecordFields {
  constructor(
    readonly file: string,
    readonly record: string,
    private readonly value: Record<string, unknown>,
  ) {}

  fail(field: string, problem: string): never {
    throw new StoreInputError(this.file, problem, this.record, field);
  }

  raw(field: string): unknown {
    return this.value[field];
  }

  string(field: string, { nullable = false, max = 255 } = {}): string {
    const value = this.value[field];
    if (value === undefined) this.fail(field, 'is missing');
    if (typeof value !== 'string') this.fail(field, nullable ? 'must be a string or null' : 'must be a string');
    if (value.length > max) this.fail(field, `is longer than ${max} characters`);
    if (value.includes('\0')) this.fail(field, 'contains a NUL character');
    return value;
  }

  optionalString(field: string): string | null {
    const value = this.value[field];
    return value === undefined || value === null ? null : this.string(field, { nullable: true });
  }

  /** An integer from `min` to 2^31 - 1 (the columns are 32-bit). */
  integer(field: string, min = 1): number {
    const value = this.value[field];
    if (value === undefined || value === null) this.fail(field, 'is missing');
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) this.fail(field, 'must be an integer');
    if (value < min) this.fail(field, `must be at least ${min}`);
    if (value > 2 ** 31 - 1) this.fail(field, 'must be at most 2147483647');
    return value;
  }

  username(field: string): string {
    const value = this.string(field);
    if (value === '') this.fail(field, 'is empty');
    const problem = usernameProblem(value);
    if (problem) this.fail(field, `is not a username Hangar accepts: ${problem}`);
    return value;
  }

  /** HB's `YYYY-MM-DDTHH:MM:SS` (or with a space), optionally with fractional seconds, in UTC. */
  timestamp(field: string, { optional = false } = {}): Date | null {
    const value = this.value[field];
    if (optional && (value === undefined || value === null)) return null;
    const text = this.string(field);
    const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
    const date = match
      ? new Date(Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!, +match[4]!, +match[5]!, +match[6]!, Math.floor(Number(`0.${match[7] ?? '0'}`) * 1000)))
      : null;
    if (!date || date.toISOString().slice(0, 19).replace('T', ' ') !== `${text.slice(0, 10)} ${text.slice(11, 19)}`) {
      this.fail(field, `must be a timestamp YYYY-MM-DDTHH:MM:SS, got "${text.slice(0, 40)}"`);
    }
    return date;
  }
}
