import type { Request } from 'express';
import { hasJsonContentType, isPlainObject, readJson } from '../flask/bodies';
import { HbProblem, wrongFormat } from './errors';

// HB's request bodies. Flask's get_json() only reads JSON content types; anything that is not a
// JSON object is "Wrong format" (the original crashed on arrays and scalars).

export const CREATE_FAILED = "Can't create User";
export const UPDATE_FAILED = "Can't update User";

function jsonObject(req: Request): Record<string, unknown> {
  const parsed = hasJsonContentType(req) ? readJson(req) : { ok: false as const };
  if (!parsed.ok || !isPlainObject(parsed.value)) throw wrongFormat();
  return parsed.value;
}

function optionalText(body: Record<string, unknown>, field: string, prefix: string): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new HbProblem(400, `${prefix}: ${field} must be a string`);
}

export interface HbNewUser {
  email: string;
  password: string;
  firstName: string | null;
  lastName: string | null;
}

/** `POST /api/v1/users`: email and password required (missing or ""), names optional. */
export function readNewUser(req: Request): HbNewUser {
  const body = jsonObject(req);
  const { email, password } = body;
  if (email === undefined || email === '') throw new HbProblem(400, 'email missing');
  if (password === undefined || password === '') throw new HbProblem(400, 'password missing');
  if (typeof email !== 'string') throw new HbProblem(400, `${CREATE_FAILED}: email must be a string`);
  if (typeof password !== 'string') throw new HbProblem(400, `${CREATE_FAILED}: password must be a string`);
  return {
    email,
    password,
    firstName: optionalText(body, 'first_name', CREATE_FAILED) ?? null,
    lastName: optionalText(body, 'last_name', CREATE_FAILED) ?? null,
  };
}

export interface HbNamePatch {
  firstName?: string;
  lastName?: string;
}

/** `PUT /api/v1/users/<id>`: only the names, each only when present and not null. */
export function readNamePatch(req: Request): HbNamePatch {
  const body = jsonObject(req);
  const firstName = optionalText(body, 'first_name', UPDATE_FAILED);
  const lastName = optionalText(body, 'last_name', UPDATE_FAILED);
  return { ...(firstName != null && { firstName }), ...(lastName != null && { lastName }) };
}

export interface LoginFields {
  email: string;
  password: string;
}

/** The login form's fields, checked in HB's order: email first, then password. */
export function readLoginFields(fields: Map<string, string>): LoginFields {
  const email = fields.get('email');
  if (!email) throw new HbProblem(400, 'email missing');
  const password = fields.get('password');
  if (!password) throw new HbProblem(400, 'password missing');
  return { email, password };
}
