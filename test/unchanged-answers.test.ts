import { describe, expect, it } from 'vitest';
import { UnchangedAnswers } from '../src/db/unchangedAnswers';

// The live-user answers a server keeps on a SQLite file (src/db/hotReads.ts): valid only while the
// database's data_version is what it was when they were read. test/hot-reads.test.ts checks the
// same on a real database, across two instances.

function counted<T>(value: T) {
  const read = () => {
    read.calls += 1;
    return value;
  };
  read.calls = 0;
  return read;
}

describe('UnchangedAnswers', () => {
  it('reads once while the version stays, and again after any change', () => {
    let version = 7;
    const answers = new UnchangedAnswers<string | null>(() => version, 10);
    const read = counted<string | null>('row');
    expect(answers.get('k', read)).toBe('row');
    expect(answers.get('k', read)).toBe('row');
    expect(read.calls).toBe(1);
    version = 8;
    expect(answers.get('k', read)).toBe('row');
    expect(read.calls).toBe(2);
  });

  it('drops every answer on a change, not only the one read', () => {
    let version = 1;
    const answers = new UnchangedAnswers<number>(() => version, 10);
    const a = counted(1);
    const b = counted(2);
    answers.get('a', a);
    answers.get('b', b);
    version = 2;
    answers.get('a', a);
    answers.get('b', b);
    expect([a.calls, b.calls]).toEqual([2, 2]);
  });

  it('keeps a null answer (no such user, or revoked) like any other', () => {
    const answers = new UnchangedAnswers<string | null>(() => 1, 10);
    const read = counted<string | null>(null);
    expect(answers.get('gone', read)).toBeNull();
    expect(answers.get('gone', read)).toBeNull();
    expect(read.calls).toBe(1);
  });

  it('asks the version before every answer', () => {
    let asked = 0;
    const answers = new UnchangedAnswers<number>(() => (asked += 1) && 1, 10);
    answers.get('k', () => 1);
    answers.get('k', () => 1);
    expect(asked).toBe(2);
  });

  it('holds at most maxEntries answers, starting over when full', () => {
    const answers = new UnchangedAnswers<number>(() => 1, 3);
    const reads = [counted(0), counted(1), counted(2), counted(3)];
    reads.forEach((read, i) => answers.get(`k${i}`, read));
    // The fourth key found the cache full: it started over, so the first key is read again.
    answers.get('k0', reads[0]!);
    answers.get('k3', reads[3]!);
    expect(reads.map((read) => read.calls)).toEqual([2, 1, 1, 1]);
  });
});
