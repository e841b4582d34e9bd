import { Migration } from '@mikro-orm/migrations';

// Fixed-window counts cannot become attempt logs: the counters start over once, at the upgrade
// (and a new column without a default needs an empty table).
export class Migration20261201221048_sliding_window_rate_limits extends Migration {
  override up(): void {
    this.addSql('delete from rate_limit_buckets;');
    this.addSql('alter table "rate_limit_buckets" drop column "window_start", drop column "count";');
    this.addSql('alter table "rate_limit_buckets" add column "attempts" text not null;');
  }
}
