import type { User } from '../../entities';
import { encode, quote } from '../flask/json';
import type { ShipRow } from '../../services/ships';

/** Decision 3/4: TX clients read `id` and `name`, RA clients read `username`. */
export function userJson(user: Pick<User, 'id' | 'username' | 'firstName' | 'lastName'>): { id: number; name: string; username: string } {
  return { id: user.id, name: user.username, username: user.username };
}

/** A ship entity or a row from shipBatches. */
export function shipJson(ship: ShipRow): Record<string, unknown> {
  return {
    affiliation: ship.affiliation,
    category: ship.category,
    crew: ship.crew,
    id: ship.id,
    length: ship.length,
    manufacturer: ship.manufacturer,
    model: ship.model,
    roles: ship.roles,
    ship_class: ship.shipClass,
  };
}

// shipListItem's pieces: a ship is an item of the top-level array (indent "  "), its fields one level in.
const FIELD = ', \n    ';
const ROLE = ', \n      ';
const text = (value: unknown) => (typeof value === 'string' ? quote(value) : encode(value, '    '));
const integer = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : encode(value, '    '));

/**
 * `flaskJsonArray.item(shipJson(ship))`, built directly: the unpaginated list encodes 100k of
 * these, and the generic encoder's per-row object and key sort were most of its time. Keys in
 * sorted order, as the generic encoder puts them; test/ships-list-stream.test.ts compares the two
 * byte for byte.
 */
export function shipListItem(ship: ShipRow): string {
  const { roles } = ship;
  let rolesText = '[]';
  if (roles.length > 0) {
    rolesText = '[\n      ' + text(roles[0]);
    for (let i = 1; i < roles.length; i += 1) rolesText += ROLE + text(roles[i]);
    rolesText += '\n    ]';
  }
  return (
    '  {\n    "affiliation": ' +
    text(ship.affiliation) +
    FIELD +
    '"category": ' +
    text(ship.category) +
    FIELD +
    '"crew": ' +
    integer(ship.crew) +
    FIELD +
    '"id": ' +
    integer(ship.id) +
    FIELD +
    '"length": ' +
    integer(ship.length) +
    FIELD +
    '"manufacturer": ' +
    text(ship.manufacturer) +
    FIELD +
    '"model": ' +
    text(ship.model) +
    FIELD +
    '"roles": ' +
    rolesText +
    FIELD +
    '"ship_class": ' +
    text(ship.shipClass) +
    '\n  }'
  );
}
