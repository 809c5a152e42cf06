/**
 * Loads a YAML configuration and validates it with a zod schema, reporting every problem (YAML
 * syntax, schema, cross-field checks) at its file:line:column in one `ConfigError`. Generic: the
 * PBX configuration and the scenario format (which embeds a PBX configuration) both go through it.
 *
 * Write schemas with strict objects (`z.strictObject`), so that a misspelt key is an error with a
 * "did you mean" hint rather than silently ignored. A check that needs the whole document (a
 * duplicate, an unknown reference) adds a custom issue with the path of the offending node.
 *
 * Keys starting with `x-` are dropped before validation, at any depth (as in Compose files): they
 * hold blocks that are only there to be anchored and merged elsewhere.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { didYouMean } from './did-you-mean.js';
import { issueMessage, NO_FORM_MATCHES } from './issue-messages.js';
import { parseLocatedYaml, type LocatedYaml } from './located-yaml.js';
import { objectKeysAt } from './schema-keys.js';

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; issues: ConfigIssue[] };

/** Validates a parsed document; never throws for a bad document. */
export function checkConfig<S extends z.ZodType>(doc: LocatedYaml, schema: S): ConfigResult<z.output<S>> {
  if (doc.issues.length > 0) return { ok: false, issues: [...doc.issues] };
  const result = schema.safeParse(withoutExtensionKeys(doc.value), { error: issueMessage });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.flatMap((issue) => locateIssue(doc, schema, issue)) };
}

export const EXTENSION_KEY_PREFIX = 'x-';

function withoutExtensionKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutExtensionKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.startsWith(EXTENSION_KEY_PREFIX))
      .map(([k, v]) => [k, withoutExtensionKeys(v)]),
  );
}

/**
 * A value that fits none of a union's forms is reported through the form of its own kind (a map
 * against the map form, a word against the list of words), so that the message names the
 * misspelt key or word instead of "matches none of the accepted forms".
 */
function unionBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue[] | undefined {
  // A union whose schema says what it accepts keeps that message.
  if (issue.code !== 'invalid_union' || !issue.message.startsWith(NO_FORM_MATCHES)) return undefined;
  const sameKind = issue.errors.filter((branch) => branch.length > 0 && !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
  // A form that took the value's kind and found problems inside it says the most.
  const chosen = sameKind.find((branch) => branch.every((i) => i.path.length > 0)) ?? sameKind[0];
  if (chosen === undefined) return undefined;
  return chosen.map((i) => ({ ...i, path: [...issue.path, ...i.path] }));
}

function locateIssue(doc: LocatedYaml, schema: z.ZodType, issue: z.core.$ZodIssue): ConfigIssue[] {
  const branch = unionBranch(issue);
  if (branch !== undefined) return branch.flatMap((i) => locateIssue(doc, schema, i));
  const path = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = objectKeysAt(schema, path);
    return issue.keys.map((key) => {
      const at = doc.locateKey(path, key);
      return { file: doc.file, line: at.line, column: at.column, message: `unknown key \`${key}\`${didYouMean(key, known)}` };
    });
  }
  const at = doc.locate(path);
  const last = path[path.length - 1];
  let message = issue.message;
  if (issue.code !== 'custom' && typeof last === 'string') {
    // A key absent from the document is reported at the map that lacks it.
    message = issue.code === 'invalid_type' && at.depth === path.length - 1 ? `missing key \`${last}\`` : `${last}: ${message}`;
  }
  return [{ file: doc.file, line: at.line, column: at.column, message }];
}

/** Parses and validates YAML text; throws `ConfigError` listing every problem. */
export function parseConfig<S extends z.ZodType>(text: string, file: string, schema: S): z.output<S> {
  const result = checkConfig(parseLocatedYaml(text, file), schema);
  if (!result.ok) throw new ConfigError(result.issues);
  return result.value;
}

/** Reads, parses and validates a YAML file; throws `ConfigError` (an unreadable file included). */
export function loadConfig<S extends z.ZodType>(path: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError([{ file: path, line: 1, column: 1, message: `cannot read the file: ${(e as Error).message}` }]);
  }
  return parseConfig(text, path, schema);
}
