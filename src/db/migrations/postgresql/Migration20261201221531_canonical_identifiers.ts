import { Migration } from '@mikro-orm/migrations';
import { backfillCanonicalIdentifiers } from '../canonicalIdentifiers';

export class Migration20261201221531_canonical_identifiers extends Migration {
  override async up(): Promise<void> {
    await this.execute('alter table "users" add column "username_canonical" varchar(255) null, add column "email_canonical" varchar(255) null;');
    await backfillCanonicalIdentifiers(this);
    await this.execute('alter table "users" add constraint "users_username_canonical_unique" unique ("username_canonical");');
    await this.execute('alter table "users" add constraint "users_email_canonical_unique" unique ("email_canonical");');
  }
}
