import type { User } from '../../entities';
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
