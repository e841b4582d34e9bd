import type { FieldErrors } from '../../services/errors';
import { isPlainObject } from '../flask/bodies';

// Marshmallow 3's type checks and coercion (spec §2.2.1), for the dialects whose clients read its
// error shape. Rules about values (lengths, minimums) stay in the services; this file only decides
// whether a JSON value has the declared type.

export type FieldType = 'string' | 'integer' | 'stringList';

export interface FieldSpec {
  type: FieldType;
  required: boolean;
}

export type Schema = Record<string, FieldSpec>;

/** Field → messages; a list field's item errors are keyed by the item index as a string. */
export type Messages = Record<string, string[] | Record<string, string[]>>;

/** A body that failed validation; the dialect turns it into its 400. */
export class MarshmallowError extends Error {
  override name = 'MarshmallowError';
  constructor(readonly messages: Messages) {
    super('Invalid body');
  }
}

export interface Loaded {
  /** The fields that were present and of the right type, coerced. */
  data: Record<string, unknown>;
  messages: Messages;
}

const PYTHON_INT = /^\s*[+-]?\d+(?:_\d+)*\s*$/;

type Coerced = { value: unknown } | { error: string };

function coerceInteger(value: unknown): Coerced {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { error: 'Number too large.' };
    return { value: Math.trunc(value) + 0 };
  }
  if (typeof value === 'string' && PYTHON_INT.test(value)) return { value: Number(value.trim().replace(/_/g, '')) };
  return { error: 'Not a valid integer.' };
}

function coerce(spec: FieldSpec, value: unknown): Coerced | { itemErrors: Record<string, string[]> } {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? { value } : { error: 'Not a valid string.' };
    case 'integer':
      return coerceInteger(value);
    case 'stringList': {
      if (!Array.isArray(value)) return { error: 'Not a valid list.' };
      const itemErrors: Record<string, string[]> = {};
      value.forEach((item: unknown, index) => {
        if (item === null) itemErrors[String(index)] = ['Field may not be null.'];
        else if (typeof item !== 'string') itemErrors[String(index)] = ['Not a valid string.'];
      });
      return Object.keys(itemErrors).length > 0 ? { itemErrors } : { value: [...value] };
    }
  }
}

/** Checks presence, nullness and type of every field and rejects keys the schema does not name. */
export function loadBody(schema: Schema, body: unknown): Loaded {
  const data: Record<string, unknown> = {};
  // No prototype, so a body key such as "__proto__" is an ordinary key here.
  const messages: Messages = Object.create(null);
  if (!isPlainObject(body)) return { data, messages: { _schema: ['Invalid input type.'] } };
  for (const key of Object.keys(body)) {
    if (!Object.hasOwn(schema, key)) messages[key] = ['Unknown field.'];
  }
  for (const [field, spec] of Object.entries(schema)) {
    if (!Object.hasOwn(body, field)) {
      if (spec.required) messages[field] = ['Missing data for required field.'];
      continue;
    }
    const value = body[field];
    if (value === null) {
      messages[field] = ['Field may not be null.'];
      continue;
    }
    const result = coerce(spec, value);
    if ('error' in result) messages[field] = [result.error];
    else if ('itemErrors' in result) messages[field] = result.itemErrors;
    else data[field] = result.value;
  }
  return { data, messages };
}

/**
 * Adds a service's field errors (service field names, list items as `roles.3`) under the body's
 * field names. A field that already has a type error keeps only that one, as in marshmallow.
 */
export function addServiceErrors(messages: Messages, fieldErrors: FieldErrors, bodyName: (serviceField: string) => string): void {
  for (const [key, errors] of Object.entries(fieldErrors)) {
    const item = /^(.+)\.(\d+)$/.exec(key);
    if (item) {
      const field = bodyName(item[1]!);
      const existing = messages[field];
      if (Array.isArray(existing)) continue;
      messages[field] = { ...existing, [item[2]!]: errors };
    } else {
      const field = bodyName(key);
      if (!(field in messages)) messages[field] = errors;
    }
  }
}

export const hasMessages = (messages: Messages): boolean => Object.keys(messages).length > 0;
