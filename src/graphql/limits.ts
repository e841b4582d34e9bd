import type { EnvelopArmor } from '@escape.tech/graphql-armor';
import type { Plugin } from 'graphql-yoga';
import { maxResultSizeRule } from './resultSize';

type GraphQLArmorConfig = NonNullable<ConstructorParameters<typeof EnvelopArmor>[0]>;

/** Per-document limits, checked during validation before anything executes. */
export const GRAPHQL_LIMITS = {
  maxDepth: 8,
  maxAliases: 30,
  maxDirectives: 10,
  maxTokens: 2000,
  /** Objects one response may hold, counting each list at its `first` (src/graphql/resultSize.ts). */
  maxResultObjects: 25_000,
} as const;

export function armorConfig(blockFieldSuggestions: boolean): GraphQLArmorConfig {
  return {
    // ignoreIntrospection skips only a real __schema field; a fragment or operation named "__schema" is still counted.
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, exposeLimits: true },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, exposeLimits: true },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens, exposeLimits: true },
    // Armor's cost multiplies by `first` only when it is a literal; the result-size rule below
    // also counts variables, defaults and lists without a cost hint, so it replaces it.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: blockFieldSuggestions },
  };
}

const resultSizeRule = maxResultSizeRule(GRAPHQL_LIMITS.maxResultObjects);

/** The cost limit: the result-size rule, added to every validation. */
export const resultSizeLimit: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule(resultSizeRule);
  },
};
