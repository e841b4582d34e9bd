import { Migration } from '@mikro-orm/migrations';

export class Migration20261201214315_kept_token_chain extends Migration {
  override up(): void {
    this.addSql('alter table "users" add column "kept_token_chain" varchar(64) null;');
  }
}
