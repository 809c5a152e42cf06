/**
 * The keys a zod schema accepts for the object at a given input path: the candidates of a
 * "did you mean" hint for an unknown key. Follows the input side of zod 4 schemas (wrappers,
 * pipes, unions, arrays, records, lazies, catch-all keys); a union offers the keys of all its object options.
 */
import type { z } from 'zod';

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  valueType?: z.ZodType;
  items?: z.ZodType[];
  rest?: z.ZodType | null;
  getter?: () => z.ZodType;
  catchall?: z.ZodType;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

const MAX_DEPTH = 64;

/** The schemas that can describe the input found at `path` below `schema`. */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[], depth = 0): z.ZodType[] {
  if (depth > MAX_DEPTH) return [];
  const def = defOf(schema);
  const again = (s: z.ZodType | undefined | null, p = path): z.ZodType[] => (s ? schemasAt(s, p, depth + 1) : []);
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'catch':
    case 'readonly':
      return again(def.innerType);
    case 'pipe': {
      const inner = again(def.in);
      return inner.length > 0 ? inner : again(def.out);
    }
    case 'lazy':
      return again(def.getter?.());
    case 'union':
      return (def.options ?? []).flatMap((o) => again(o));
    case 'intersection':
      return [...again(def.left), ...again(def.right)];
    default:
      break;
  }
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  switch (def.type) {
    case 'object':
      return again(def.shape?.[String(head)] ?? def.catchall, rest);
    case 'array':
      return again(def.element, rest);
    case 'record':
      return again(def.valueType, rest);
    case 'tuple':
      return again(def.items?.[Number(head)] ?? def.rest, rest);
    default:
      return [];
  }
}

export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const keys = new Set<string>();
  for (const s of schemasAt(schema, path)) {
    const def = defOf(s);
    if (def.type === 'object') for (const k of Object.keys(def.shape ?? {})) keys.add(k);
  }
  return [...keys];
}
