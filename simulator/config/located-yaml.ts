/**
 * YAML text parsed into plain values that remember where each node came from, so that a schema
 * error found on the values is reported at the node's `file:line:column` (ARCHITECTURE.md, "Scenarios").
 *
 * YAML 1.2 with `<<` merge keys enabled (configurations share blocks through anchors and merges).
 * Paths are followed through aliases and merge sources the way the values were built: a key
 * written in the map itself wins over a merged one, and earlier merge sources over later ones.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';
import type { ConfigIssue } from './config-error.js';

export interface SourcePosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export interface Located extends SourcePosition {
  /** How many leading path segments led to an existing node (the position is that node's). */
  readonly depth: number;
}

export interface LocatedYaml {
  readonly file: string;
  /** The document as plain values (aliases expanded, merges applied); undefined when `issues` is not empty. */
  readonly value: unknown;
  /** YAML syntax errors (and values that cannot be built), each at its position. */
  readonly issues: readonly ConfigIssue[];
  /** The node at `path`, or the deepest existing node on the way to it. */
  locate(path: readonly PropertyKey[]): Located;
  /** The key `key` of the map at `path` (for an unknown key), or else that map's position. */
  locateKey(path: readonly PropertyKey[], key: string): Located;
}

const MAX_ALIAS_EXPANSION = 1000;

export function parseLocatedYaml(text: string, file: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const issues: ConfigIssue[] = doc.errors.map((e) => ({ file, ...at(e.pos[0]), message: e.message }));
  let value: unknown;
  if (issues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSION });
    } catch (e) {
      issues.push({ file, ...at(failingAliasOffset(doc) ?? doc.contents?.range[0] ?? 0), message: (e as Error).message });
    }
  }
  const walk = (path: readonly PropertyKey[]): { node: YamlNode | null; depth: number } => {
    let node = resolve(doc, doc.contents);
    let depth = 0;
    for (const segment of path) {
      const next = child(doc, node, segment);
      if (next === undefined) break;
      node = resolve(doc, next);
      depth++;
    }
    return { node, depth };
  };
  const positionOf = (node: YamlNode | null | undefined): SourcePosition => at(node?.range?.[0] ?? doc.contents?.range[0] ?? 0);
  return {
    file,
    value,
    issues,
    locate(path) {
      // The final node is reported where it is written: an alias at its use, not at its anchor.
      const parent = walk(path.slice(0, -1));
      if (path.length > 0 && parent.depth === path.length - 1) {
        const last = child(doc, parent.node, path[path.length - 1]!);
        if (last !== undefined) return { ...positionOf(last ?? pairKey(doc, parent.node, path[path.length - 1]!)), depth: path.length };
      }
      const { node, depth } = walk(path);
      return { ...positionOf(node), depth };
    },
    locateKey(path, key) {
      const { node, depth } = walk(path);
      const found = depth === path.length ? pairKey(doc, node, key) : undefined;
      return found === undefined ? { ...positionOf(node), depth } : { ...positionOf(found), depth: depth + 1 };
    },
  };
}

/** Building values fails mostly on an alias to an anchor defined later or nowhere: point at it. */
function failingAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      if (alias.resolve(doc) !== undefined) return undefined;
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

function resolve(doc: Document, node: unknown): YamlNode | null {
  let n = node;
  for (let hops = 0; isAlias(n) && hops < MAX_ALIAS_EXPANSION; hops++) n = n.resolve(doc) ?? null;
  return (n as YamlNode | null | undefined) ?? null;
}

/** The value node under `segment`; null for a key written without a value; undefined when absent. */
function child(doc: Document, node: YamlNode | null, segment: PropertyKey): YamlNode | null | undefined {
  if (isSeq(node)) {
    const index = typeof segment === 'number' ? segment : Number(segment);
    return Number.isInteger(index) && index >= 0 && index < node.items.length ? ((node.items[index] as YamlNode | null) ?? null) : undefined;
  }
  if (isMap(node)) {
    const pair = findPair(doc, node, String(segment), new Set());
    return pair === undefined ? undefined : ((pair.value as YamlNode | null) ?? null);
  }
  return undefined;
}

function pairKey(doc: Document, node: YamlNode | null, key: PropertyKey): YamlNode | undefined {
  if (!isMap(node)) return undefined;
  return findPair(doc, node, String(key), new Set())?.key as YamlNode | undefined;
}

function findPair(doc: Document, map: YAMLMap, key: string, seen: Set<YAMLMap>): Pair | undefined {
  if (seen.has(map)) return undefined;
  seen.add(map);
  const pairs = map.items as Pair[];
  const own = pairs.find((p) => !isMergeKey(p.key) && keyText(p.key) === key);
  if (own !== undefined) return own;
  for (const merge of pairs.filter((p) => isMergeKey(p.key))) {
    const source = resolve(doc, merge.value);
    const sources = isSeq(source) ? source.items.map((s) => resolve(doc, s)) : [source];
    for (const s of sources) {
      const found = isMap(s) ? findPair(doc, s, key, seen) : undefined;
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isMergeKey(key: unknown): boolean {
  if (!isScalar(key)) return false;
  const v = key.value;
  return (typeof v === 'symbol' && v.description === '<<') || (v === '<<' && key.type === 'PLAIN');
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return key === null || key === undefined ? undefined : String(key);
}
