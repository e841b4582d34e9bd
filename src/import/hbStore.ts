import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UNUSABLE_PASSWORD_HASH, unsaltedSha256Hash } from '../auth/legacyHashes';
import { isObject, readJsonFile, RecordFields } from './fields';
import { StoreInputError, type Store, type StoreSession, type StoreUser } from './store';

// The Holberton file store: `.db_User.json` (an object keyed by each user's UUID) and, when it sits
// beside it, `.db_UserSession.json` (keyed by record id, each naming a user_id and a session_id).

export const HB_USER_FILE = '.db_User.json';
export const HB_SESSION_FILE = '.db_UserSession.json';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `path` is the `.db_User.json` file, or the folder that holds it. */
export function readHbStore(path: string): Store {
  const userFile = existsSync(path) && statSync(path).isDirectory() ? join(path, HB_USER_FILE) : path;
  const users = entries(userFile).map(([key, value]) => hbUser(userFile, key, value));
  const sessionFile = join(dirname(userFile), HB_SESSION_FILE);
  const sessions = existsSync(sessionFile) ? entries(sessionFile).map(([key, value]) => hbSession(sessionFile, key, value)) : [];
  return { kind: 'hb', files: sessions.length > 0 || existsSync(sessionFile) ? [userFile, sessionFile] : [userFile], users, sessions, ships: [] };
}

function entries(file: string): [string, Record<string, unknown>][] {
  const data = readJsonFile(file);
  if (!isObject(data)) throw new StoreInputError(file, 'must hold one JSON object keyed by record id');
  return Object.entries(data).map(([key, value]) => {
    if (!isObject(value)) throw new StoreInputError(file, 'must be an object', `record "${key}"`);
    return [key, value];
  });
}

function recordId(fields: RecordFields, key: string): string {
  const id = fields.string('id');
  if (id !== key) fields.fail('id', `does not match the key it is stored under ("${key}")`);
  return id;
}

function hbUser(file: string, key: string, value: Record<string, unknown>): StoreUser {
  const record = `record "${key}"`;
  const fields: RecordFields = new RecordFields(file, record, value);
  const uuid = recordId(fields, key);
  if (!UUID.test(uuid)) fields.fail('id', 'must be a UUID');
  const email = fields.optionalString('email');
  if (email === '') fields.fail('email', 'is empty');
  const passwordHash = hbPasswordHash(fields, value._password);
  const createdAt = fields.timestamp('created_at', { optional: true });
  return {
    record,
    file,
    id: null,
    uuid: uuid.toLowerCase(),
    // HB logs in by email; a user without one keeps their UUID as a username (and cannot log in by email).
    username: email ?? uuid.toLowerCase(),
    email,
    firstName: fields.optionalString('first_name'),
    lastName: fields.optionalString('last_name'),
    passwordHash,
    password: null,
    createdAt,
    updatedAt: fields.timestamp('updated_at', { optional: true }) ?? createdAt,
  };
}

/** HB's `_password`; null (never set) becomes the hash no password matches. */
function hbPasswordHash(fields: RecordFields, stored: unknown): string {
  if (stored === null || stored === undefined) return UNUSABLE_PASSWORD_HASH;
  if (typeof stored !== 'string') fields.fail('_password', 'must be a string or null');
  return unsaltedSha256Hash(stored) ?? fields.fail('_password', 'has an unknown hash format (expected 64 hex digits of SHA-256, or null)');
}

function hbSession(file: string, key: string, value: Record<string, unknown>): StoreSession {
  const record = `record "${key}"`;
  const fields: RecordFields = new RecordFields(file, record, value);
  recordId(fields, key);
  const userUuid = fields.string('user_id');
  if (!UUID.test(userUuid)) fields.fail('user_id', 'must be a UUID');
  const sessionId = fields.string('session_id', { max: 1024 });
  if (sessionId === '') fields.fail('session_id', 'is empty');
  return { record, file, userUuid: userUuid.toLowerCase(), sessionId, createdAt: fields.timestamp('created_at')! };
}
