import type { CodegenConfig } from '@graphql-codegen/cli';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './src/schema';

// The schema comes straight from the Pothos builder; importing it touches no database.
const config: CodegenConfig = {
  overwrite: true,
  schema: printSchema(lexicographicSortSchema(schema)),
  documents: ['test/operations/*.graphql'],
  generates: {
    'schema.graphql': { plugins: ['schema-ast'], config: { sort: true } },
    'test/operations/generated.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: { useTypeImports: true, enumsAsTypes: true, avoidOptionals: false, scalars: { DateTime: 'string' } },
    },
  },
};

export default config;
