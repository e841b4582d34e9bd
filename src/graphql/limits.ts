import type { EnvelopArmor } from '@escape.tech/graphql-armor';

type GraphQLArmorConfig = NonNullable<ConstructorParameters<typeof EnvelopArmor>[0]>;

/** Per-document limits, checked during validation before anything executes. */
export const GRAPHQL_LIMITS = {
  maxDepth: 8,
  maxAliases: 30,
  maxDirectives: 10,
  maxTokens: 2000,
  maxCost: 5000,
} as const;

export function armorConfig(blockFieldSuggestions: boolean): GraphQLArmorConfig {
  return {
    // ignoreIntrospection skips only a real __schema field; a fragment or operation named "__schema" is still counted.
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth, flattenFragments: true, ignoreIntrospection: true, exposeLimits: true },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases, exposeLimits: true },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, exposeLimits: true },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens, exposeLimits: true },
    costLimit: {
      maxCost: GRAPHQL_LIMITS.maxCost,
      objectCost: 2,
      scalarCost: 1,
      depthCostFactor: 1.5,
      ignoreIntrospection: true,
      exposeLimits: true,
    },
    blockFieldSuggestion: { enabled: blockFieldSuggestions },
  };
}
