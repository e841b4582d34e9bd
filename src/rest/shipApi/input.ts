import type { User } from '../../entities';
import { ValidationError } from '../../services/errors';
import type { ServiceContext } from '../../services/serviceContext';
import { validateShipInput, type ShipInput } from '../../services/ships';
import { validateUserFields } from '../../services/users';
import { isPlainObject } from '../flask/bodies';
import { addServiceErrors, hasMessages, loadBody, MarshmallowError, type FieldSpec, type Messages, type Schema } from './marshmallow';

// TX's request bodies: marshmallow types here, value rules from the services, every error of every
// field reported in one 400 (spec §2.2.1). Body names map to service names: name/username →
// username, ship_class → shipClass.

const OPTIONAL_ID: FieldSpec = { type: 'integer', required: false };
const TEXT: FieldSpec = { type: 'string', required: true };
const OPTIONAL_TEXT: FieldSpec = { type: 'string', required: false };
const INTEGER: FieldSpec = { type: 'integer', required: true };

const USER_SCHEMA: Schema = { id: OPTIONAL_ID, name: OPTIONAL_TEXT, username: OPTIONAL_TEXT, password: TEXT };

const SHIP_SCHEMA: Schema = {
  id: OPTIONAL_ID,
  affiliation: TEXT,
  category: TEXT,
  crew: INTEGER,
  length: INTEGER,
  manufacturer: TEXT,
  model: TEXT,
  ship_class: TEXT,
  roles: { type: 'stringList', required: true },
};

export interface UserBody {
  username: string;
  password: string;
  /** The body's `id`, when given: TX only compares it with the path or refuses it. */
  id: number | undefined;
}

export interface ShipBody {
  input: ShipInput;
  id: number | undefined;
}

function checkBodyId(messages: Messages, id: unknown): void {
  if (typeof id === 'number' && id < 1) messages.id ??= ['Must be greater than or equal to 1.'];
}

function addErrorsOf(messages: Messages, bodyName: (serviceField: string) => string, validate: () => void): void {
  try {
    validate();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    addServiceErrors(messages, error.fieldErrors, bodyName);
  }
}

/**
 * A user body for POST (no `user`) or PUT (the user being replaced). `username` is another name for
 * `name` (decision 3); errors are reported under the name the client used.
 */
export function readUserBody(ctx: ServiceContext, body: unknown, user: User | null = null): UserBody {
  const { data, messages } = loadBody(USER_SCHEMA, body);
  if (!isPlainObject(body)) throw new MarshmallowError(messages);
  const nameKey = Object.hasOwn(body, 'name') || !Object.hasOwn(body, 'username') ? 'name' : 'username';
  if (!Object.hasOwn(body, nameKey)) messages.name = ['Missing data for required field.'];
  if (typeof data.name === 'string' && typeof data.username === 'string' && data.name !== data.username) {
    messages.username = ['Must be the same as name.'];
  }
  checkBodyId(messages, data.id);
  const username = data[nameKey] as string | undefined;
  const password = data.password as string | undefined;
  addErrorsOf(
    messages,
    (field) => (field === 'username' ? nameKey : field),
    () => validateUserFields(ctx, { username, password }, user),
  );
  if (hasMessages(messages)) throw new MarshmallowError(messages);
  return { username: username!, password: password!, id: data.id as number | undefined };
}

const shipBodyName = (field: string) => (field === 'shipClass' ? 'ship_class' : field);

/** A full ship body, for POST and PUT alike. */
export function readShipBody(body: unknown): ShipBody {
  const { data, messages } = loadBody(SHIP_SCHEMA, body);
  if (!isPlainObject(body)) throw new MarshmallowError(messages);
  checkBodyId(messages, data.id);
  const { id, ship_class: shipClass, ...rest } = data;
  const input = { ...rest, ...(shipClass !== undefined && { shipClass }) } as Partial<ShipInput>;
  addErrorsOf(messages, shipBodyName, () => validateShipInput(input));
  if (hasMessages(messages)) throw new MarshmallowError(messages);
  return { input: input as ShipInput, id: id as number | undefined };
}
