/**
 * Answers to a read, kept while the database has not changed since they were read. The version is
 * asked of the database before every lookup (one cheap statement), and any change anywhere drops
 * them all, so an answer given from here is the one the read itself would give: the database stays
 * the truth, and a revocation or deletion by any instance is seen at the next request. Bounded:
 * when full it starts over.
 */
export class UnchangedAnswers<T> {
  private version: number | undefined;
  private readonly answers = new Map<string, T>();

  constructor(
    private readonly currentVersion: () => number,
    private readonly maxEntries: number,
  ) {}

  get(key: string, read: () => T): T {
    const version = this.currentVersion();
    if (version !== this.version) {
      this.answers.clear();
      this.version = version;
    }
    if (this.answers.has(key)) return this.answers.get(key)!;
    const answer = read();
    if (this.answers.size >= this.maxEntries) this.answers.clear();
    this.answers.set(key, answer);
    return answer;
  }
}
