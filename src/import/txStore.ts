import { MAX_PASSWORD_BYTES, passwordBytes } from '../auth/passwords';
import { isObject, readJsonFile, RecordFields } from './fields';
import { StoreInputError, type Store, type StoreShip, type StoreUser } from './store';

// Toxe's data.json: {"users": [{"id", "name", "password"}], "ships": [{"id", ...ship fields}]},
// passwords in plain text (hashed with argon2id at import, never stored as they came).

export function readTxStore(file: string): Store {
  const data = readJsonFile(file);
  if (!isObject(data)) throw new StoreInputError(file, 'must hold one JSON object with "users" and "ships" arrays');
  const list = (name: 'users' | 'ships'): Record<string, unknown>[] => {
    const value = data[name] ?? [];
    if (!Array.isArray(value)) throw new StoreInputError(file, `"${name}" must be an array`);
    return value.map((item, index) => {
      if (!isObject(item)) throw new StoreInputError(file, 'must be an object', `${name}[${index}]`);
      return item;
    });
  };
  return {
    kind: 'tx',
    files: [file],
    users: list('users').map((item, i) => txUser(file, item, i)),
    sessions: [],
    ships: list('ships').map((item, i) => txShip(file, item, i)),
  };
}

const label = (name: string, index: number, item: Record<string, unknown>) =>
  typeof item.id === 'number' ? `${name}[${index}] (id ${item.id})` : `${name}[${index}]`;

function txUser(file: string, item: Record<string, unknown>, index: number): StoreUser {
  const record = label('users', index, item);
  const fields: RecordFields = new RecordFields(file, record, item);
  const id = fields.integer('id');
  const username = fields.username('name');
  const password = fields.string('password', { max: MAX_PASSWORD_BYTES });
  if (password === '') fields.fail('password', 'is empty');
  if (passwordBytes(password) > MAX_PASSWORD_BYTES) fields.fail('password', `is longer than ${MAX_PASSWORD_BYTES} bytes`);
  return {
    record,
    file,
    id,
    uuid: null,
    username,
    email: username.includes('@') ? username : null,
    firstName: null,
    lastName: null,
    passwordHash: null,
    password,
    createdAt: null,
    updatedAt: null,
  };
}

function txShip(file: string, item: Record<string, unknown>, index: number): StoreShip {
  const record = label('ships', index, item);
  const fields: RecordFields = new RecordFields(file, record, item);
  const roles = fields.raw('roles');
  if (!Array.isArray(roles)) fields.fail('roles', roles === undefined ? 'is missing' : 'must be an array of strings');
  if (roles.some((role) => typeof role !== 'string')) fields.fail('roles', 'must be an array of strings');
  return {
    record,
    file,
    id: fields.integer('id'),
    affiliation: fields.string('affiliation'),
    category: fields.string('category'),
    crew: fields.integer('crew'),
    length: fields.integer('length'),
    manufacturer: fields.string('manufacturer'),
    model: fields.string('model'),
    shipClass: fields.string('ship_class'),
    roles: roles as string[],
  };
}
