import {
  getNamedType,
  type ArgumentNode,
  GraphQLError,
  isCompositeType,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type GraphQLCompositeType,
  type GraphQLField,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../services/pagination';

/**
 * The most objects one response may hold, counted before execution. A list is taken to be as long
 * as its `first` argument allows: the literal value, the default when omitted, and the maximum when
 * it comes from a variable (variables are not known yet), so neither a variable nor a nested list
 * (users → ships → createdBy → ships …) gets past the count. Scalars are not counted; the token
 * limit bounds them.
 */
export function maxResultSizeRule(maxObjects: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = context.getSchema().getRootType(operation.operation);
      if (!root) return;
      const found = countObjects({ context, fragmentCounts: new Map(), fragmentsInUse: new Set() }, root, operation.selectionSet);
      if (found > maxObjects) {
        context.reportError(new GraphQLError(`Query result size limit of ${maxObjects} objects exceeded, found ${found}.`, { nodes: [operation] }));
      }
    },
  });
}

interface Walk {
  context: ValidationContext;
  /** A named fragment counts the same wherever it is spread, so each is counted once. */
  fragmentCounts: Map<string, number>;
  /** Fragments on the current path: one that spreads itself is another rule's error, not a loop here. */
  fragmentsInUse: Set<string>;
}

function countObjects(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const type = field && getNamedType(field.type);
      if (!field || !selection.selectionSet || !isCompositeType(type) || selection.name.value.startsWith('__')) continue;
      total += listLength(field, selection.arguments ?? []) * (1 + countObjects(walk, type, selection.selectionSet));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? walk.context.getSchema().getType(selection.typeCondition.name.value) : parent;
      if (isCompositeType(condition)) total += countObjects(walk, condition, selection.selectionSet);
    } else {
      total += countFragment(walk, selection.name.value);
    }
  }
  return total;
}

function countFragment(walk: Walk, name: string): number {
  const known = walk.fragmentCounts.get(name);
  if (known !== undefined) return known;
  const fragment = walk.context.getFragment(name);
  const condition = fragment && walk.context.getSchema().getType(fragment.typeCondition.name.value);
  if (!fragment || !isCompositeType(condition) || walk.fragmentsInUse.has(name)) return 0;
  walk.fragmentsInUse.add(name);
  const count = countObjects(walk, condition, fragment.selectionSet);
  walk.fragmentsInUse.delete(name);
  walk.fragmentCounts.set(name, count);
  return count;
}

function listLength(field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[]): number {
  if (!field.args.some((arg) => arg.name === 'first')) return 1;
  const first = args.find((arg) => arg.name.value === 'first')?.value;
  if (!first || first.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
  if (first.kind === Kind.INT) return Math.min(Math.max(Number(first.value), 0), MAX_PAGE_SIZE);
  return MAX_PAGE_SIZE;
}
