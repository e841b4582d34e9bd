import { Migration } from '@mikro-orm/migrations';
import { rewriteArgon2Hashes } from '../canonicalArgon2Hashes';

export class Migration20261201220800_canonical_argon2_hashes extends Migration {
  override async up(): Promise<void> {
    await rewriteArgon2Hashes(this);
  }
}
