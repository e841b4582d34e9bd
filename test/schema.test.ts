import { readFileSync } from 'node:fs';
import { buildSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema';

describe('schema.graphql', () => {
  it('matches the schema the code builds (run `npm run codegen` after a schema change)', () => {
    const committed = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    expect(printSchema(lexicographicSortSchema(committed))).toBe(printSchema(lexicographicSortSchema(schema)));
  });
});
