import { Migration } from '@mikro-orm/migrations';
import { backfillCanonicalIdentifiers } from '../canonicalIdentifiers';

export class Migration20261201221531_canonical_identifiers extends Migration {
  override async up(): Promise<void> {
    await this.execute('alter table `users` add column `username_canonical` text null;');
    await this.execute('alter table `users` add column `email_canonical` text null;');
    await backfillCanonicalIdentifiers(this);
    await this.execute('create unique index `users_username_canonical_unique` on `users` (`username_canonical`);');
    await this.execute('create unique index `users_email_canonical_unique` on `users` (`email_canonical`);');
  }
}
