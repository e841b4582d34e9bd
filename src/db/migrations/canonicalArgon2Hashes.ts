import type { Migration } from '@mikro-orm/migrations';
import { canonicalArgon2 } from '../../auth/passwords';

/**
 * Data only, the same on both engines: rewrites stored argon2 hashes from the argon2 package's
 * parameter order (m, p, t) to the reference encoding (m, t, p). The re-encoding is lossless, so
 * every password still verifies.
 */
export async function rewriteArgon2Hashes(migration: Migration): Promise<void> {
  const rows = (await migration.execute('select id, password_hash from users')) as { id: number; password_hash: string }[];
  for (const row of rows) {
    const canonical = canonicalArgon2(row.password_hash);
    if (canonical !== row.password_hash) await migration.execute('update users set password_hash = ? where id = ?', [canonical, row.id]);
  }
}
