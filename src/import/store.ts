// What a reader makes of one Flask original's store: plain records, checked field by field, that
// the import service writes (services/importStore.ts). Readers never touch Hangar's database.
import type { ShipInput } from '../services/ships';

export const STORE_KINDS = ['ra', 'hb', 'tx'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** A store that cannot be read as its kind; the message is one line naming the file, record and field. */
export class StoreInputError extends Error {
  override name = 'StoreInputError';
  constructor(file: string, problem: string, record?: string, field?: string) {
    super([file, record, field === undefined ? undefined : `field "${field}"`, problem].filter((part) => part !== undefined).join(': '));
  }
}

export interface StoreUser {
  /** How the report names the record, e.g. `users row id 3` or `record "9c1b…"`. */
  record: string;
  file: string;
  /** RA's and TX's integer id; null for HB, whose id is a UUID. */
  id: number | null;
  /** HB's id; null for RA and TX (a new UUID is made). */
  uuid: string | null;
  username: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  /** A hash to keep as it came (legacy formats, auth/legacyHashes.ts), or null with `password`. */
  passwordHash: string | null;
  /** TX's plain-text password, hashed with argon2id at import and never stored. */
  password: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

export interface StoreSession {
  record: string;
  file: string;
  userUuid: string;
  sessionId: string;
  createdAt: Date;
}

export interface StoreShip extends ShipInput {
  record: string;
  file: string;
  id: number;
}

export interface Store {
  kind: StoreKind;
  /** The files read, for the report. */
  files: string[];
  users: StoreUser[];
  sessions: StoreSession[];
  ships: StoreShip[];
}
