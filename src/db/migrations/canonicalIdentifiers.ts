import type { Migration } from '@mikro-orm/migrations';
import { canonicalEmail, canonicalUsername } from '../../auth/identifiers';

interface Row {
  id: number;
  username: string;
  email: string | null;
}

/**
 * Fills users.username_canonical and users.email_canonical for existing rows. Rows whose canonical
 * forms collide are never merged: the oldest keeps the canonical form, the others keep null (and
 * log in by their exact text, as before), and each collision is reported so an operator can
 * rename them.
 */
export async function backfillCanonicalIdentifiers(migration: Migration, report: (line: string) => void = console.warn): Promise<void> {
  const rows = (await migration.execute('select id, username, email from users order by id')) as Row[];
  const claimed = { username: new Map<string, number>(), email: new Map<string, number>() };
  for (const row of rows) {
    const username = canonicalUsername(row.username);
    const email = row.email === null ? null : canonicalEmail(row.email);
    const usernameOwner = claimed.username.get(username);
    const emailOwner = email === null ? undefined : claimed.email.get(email);
    if (usernameOwner === undefined) claimed.username.set(username, row.id);
    else
      report(
        `users: user ${row.id}'s username is the same as user ${usernameOwner}'s once case and width are ignored; it keeps logging in by its exact username. Rename one of them.`,
      );
    if (email !== null && emailOwner === undefined) claimed.email.set(email, row.id);
    else if (email !== null)
      report(
        `users: user ${row.id}'s email is the same as user ${emailOwner}'s once case is ignored; it keeps logging in by its exact email. Change one of them.`,
      );
    await migration.execute('update users set username_canonical = ?, email_canonical = ? where id = ?', [
      usernameOwner === undefined ? username : null,
      email !== null && emailOwner === undefined ? email : null,
      row.id,
    ]);
  }
}
