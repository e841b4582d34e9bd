import { usernameProblem } from '../auth/identifiers';
import { MAX_PASSWORD_BYTES, passwordBytes } from '../auth/passwords';
import { ValidationError, type FieldErrors } from './errors';

// Messages follow marshmallow's catalogue, which the TX dialect's clients already parse.
export const MAX_TEXT_LENGTH = 255;

export class FieldErrorCollector {
  private readonly errors: FieldErrors = {};

  add(field: string, message: string): void {
    (this.errors[field] ??= []).push(message);
  }

  has(field: string): boolean {
    return field in this.errors;
  }

  throwIfAny(): void {
    if (Object.keys(this.errors).length > 0) throw new ValidationError(this.errors);
  }
}

const codePoints = (value: string) => [...value].length;

/**
 * True when the text holds U+0000. The SQLite driver inlines parameters into the SQL text, which
 * SQLite reads only up to a NUL, so such text must never reach a query: stored text refuses it
 * (checkText) and lookups treat it as matching nothing.
 */
export const hasNul = (value: string): boolean => value.includes('\u0000');

export function checkText(errors: FieldErrorCollector, field: string, value: string, min = 0, max = MAX_TEXT_LENGTH): void {
  const length = codePoints(value);
  if (hasNul(value)) errors.add(field, 'Contains a null character.');
  else if (length < min) errors.add(field, `Shorter than minimum length ${min}.`);
  else if (length > max) errors.add(field, `Longer than maximum length ${max}.`);
}

/** A username: RFC 8265's profile plus Hangar's look-alike rules (auth/identifiers.ts), and its length. */
export function checkUsername(errors: FieldErrorCollector, field: string, value: string, min: number): void {
  checkText(errors, field, value, min);
  if (errors.has(field)) return;
  const problem = usernameProblem(value);
  if (problem) errors.add(field, problem);
}

export function checkPassword(errors: FieldErrorCollector, field: string, value: string, min: number): void {
  if (passwordBytes(value) > MAX_PASSWORD_BYTES) errors.add(field, `Longer than maximum length ${MAX_PASSWORD_BYTES} bytes.`);
  else if (codePoints(value) < min) errors.add(field, `Shorter than minimum length ${min}.`);
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export function checkEmail(errors: FieldErrorCollector, field: string, value: string): void {
  if (!EMAIL.test(value)) errors.add(field, 'Not a valid email address.');
  else checkText(errors, field, value);
}

export function checkMinimum(errors: FieldErrorCollector, field: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value)) errors.add(field, 'Not a valid integer.');
  else if (value < min) errors.add(field, `Must be greater than or equal to ${min}.`);
}

export function throwIfInvalid(check: (errors: FieldErrorCollector) => void): void {
  const errors = new FieldErrorCollector();
  check(errors);
  errors.throwIfAny();
}
