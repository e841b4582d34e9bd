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
      const found = countObjects(context, root, operation.selectionSet, new Set());
      if (found > maxObjects) {
        context.reportError(new GraphQLError(`Query result size limit of ${maxObjects} objects exceeded, found ${found}.`, { nodes: [operation] }));
      }
    },
  });
}

function countObjects(context: ValidationContext, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, fragmentsInUse: Set<string>): number {
  let total = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      const type = field && getNamedType(field.type);
      if (!field || !selection.selectionSet || !isCompositeType(type) || selection.name.value.startsWith('__')) continue;
      total += listLength(field, selection.arguments ?? []) * (1 + countObjects(context, type, selection.selectionSet, fragmentsInUse));
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : context.getFragment(selection.name.value);
      const name = selection.kind === Kind.FRAGMENT_SPREAD ? selection.name.value : null;
      // A fragment that spreads itself is another rule's error; here it just stops the recursion.
      if (!fragment || (name !== null && fragmentsInUse.has(name))) continue;
      const condition = fragment.typeCondition ? context.getSchema().getType(fragment.typeCondition.name.value) : parent;
      if (!isCompositeType(condition)) continue;
      if (name !== null) fragmentsInUse.add(name);
      total += countObjects(context, condition, fragment.selectionSet, fragmentsInUse);
      if (name !== null) fragmentsInUse.delete(name);
    }
  }
  return total;
}

function listLength(field: GraphQLField<unknown, unknown>, args: readonly ArgumentNode[]): number {
  if (!field.args.some((arg) => arg.name === 'first')) return 1;
  const first = args.find((arg) => arg.name.value === 'first')?.value;
  if (!first || first.kind === Kind.NULL) return DEFAULT_PAGE_SIZE;
  if (first.kind === Kind.INT) return Math.min(Math.max(Number(first.value), 0), MAX_PAGE_SIZE);
  return MAX_PAGE_SIZE;
}
