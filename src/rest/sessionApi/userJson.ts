import type { User } from '../../entities';

/** HB's timestamp format (spec C12): `YYYY-MM-DD HH:MM:SS`, UTC. */
export function hbTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** HB's `User.to_json()`: the UUID is the id. */
export function hbUserJson(user: Omit<User, 'passwordHash'>) {
  return {
    id: user.uuid,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    created_at: hbTimestamp(user.createdAt),
    updated_at: hbTimestamp(user.updatedAt),
  };
}
