import { Migration } from '@mikro-orm/migrations';
import { canonicalArgon2 } from '../../../auth/passwords';

// Data only: rewrites stored argon2 hashes from the argon2 package's parameter order (m, p, t) to
// the reference encoding (m, t, p). The re-encoding is lossless, so every password still verifies.
export class Migration20261201220800_canonical_argon2_hashes extends Migration {
  override async up(): Promise<void> {
    const rows = (await this.execute('select id, password_hash from users')) as { id: number; password_hash: string }[];
    for (const row of rows) {
      const canonical = canonicalArgon2(row.password_hash);
      if (canonical !== row.password_hash) await this.execute('update users set password_hash = ? where id = ?', [canonical, row.id]);
    }
  }
}
