import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closestMatch, ConfigError, didYouMean, editDistance, loadConfig, objectKeysAt, parseConfig, parseLocatedYaml } from '../../simulator/config/index.js';

const phone = z.strictObject({
  user: z.string(),
  codec: z.enum(['PCMU', 'PCMA', 'G722']).default('PCMU'),
  expires: z.number().int().min(60).max(3600).default(3600),
});
const schema = z
  .strictObject({
    name: z.string(),
    phones: z.array(phone).default([]),
    transport: z.strictObject({ kind: z.enum(['udp', 'tcp']), port: z.number().int() }).optional(),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.phones.forEach((p, i) => {
      if (seen.has(p.user)) ctx.addIssue({ code: 'custom', path: ['phones', i, 'user'], message: `user ${p.user} is listed twice` });
      seen.add(p.user);
    });
  });

/** The issues of a bad text, formatted as `file:line:column: message`. */
function errors(text: string, file = 'f.yaml'): string[] {
  try {
    parseConfig(text, file, schema);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('did you mean', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit each', () => {
    expect(editDistance('password', 'password')).toBe(0);
    expect(editDistance('pasword', 'password')).toBe(1);
    expect(editDistance('nmae', 'name')).toBe(1);
    expect(editDistance('ordr', 'order')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest candidate only when it is a plausible typo', () => {
    expect(closestMatch('pasword', ['name', 'password', 'passwords'])).toBe('password');
    expect(closestMatch('callwaiting', ['callWaiting', 'dnd'])).toBe('callWaiting');
    expect(closestMatch('colour', ['name', 'password'])).toBeUndefined();
    expect(didYouMean('nmae', ['name'])).toBe('; did you mean `name`?');
    expect(didYouMean('xyz', ['name'])).toBe('');
  });
});

describe('located YAML', () => {
  const text = ['base: &b', '  user: alice', '  codec: PCMU', 'phones:', '  - <<: *b', '    expires: 60', '  - *b', '  - { user: bob, codec: G722 }', 'empty:', ''].join('\n');
  const doc = parseLocatedYaml(text, 'p.yaml');

  it('builds plain values with aliases expanded and merge keys applied', () => {
    expect(doc.issues).toEqual([]);
    expect(doc.value).toEqual({
      base: { user: 'alice', codec: 'PCMU' },
      phones: [{ user: 'alice', codec: 'PCMU', expires: 60 }, { user: 'alice', codec: 'PCMU' }, { user: 'bob', codec: 'G722' }],
      empty: null,
    });
  });

  it('locates nodes by path, 1-based, in block and flow style', () => {
    expect(doc.locate([])).toEqual({ line: 1, column: 1, depth: 0 });
    expect(doc.locate(['phones', 0, 'expires'])).toEqual({ line: 6, column: 14, depth: 3 });
    expect(doc.locate(['phones', 2, 'codec'])).toEqual({ line: 8, column: 25, depth: 3 });
    expect(doc.locate(['empty'])).toMatchObject({ line: 9, depth: 1 });
  });

  it('follows merge keys and aliases to where a value is written; an alias itself is reported at its use', () => {
    expect(doc.locate(['phones', 0, 'user'])).toEqual({ line: 2, column: 9, depth: 3 });
    expect(doc.locate(['phones', 1, 'codec'])).toEqual({ line: 3, column: 10, depth: 3 });
    expect(doc.locate(['phones', 1])).toEqual({ line: 7, column: 5, depth: 2 });
  });

  it('reports the deepest existing node for a path that leads nowhere, and keys for unknown keys', () => {
    expect(doc.locate(['phones', 2, 'expires'])).toEqual({ line: 8, column: 5, depth: 2 });
    expect(doc.locate(['phones', 7, 'user'])).toEqual({ line: 5, column: 3, depth: 1 });
    expect(doc.locateKey(['phones', 2], 'codec')).toEqual({ line: 8, column: 18, depth: 3 });
    expect(doc.locateKey(['phones', 0], 'user')).toEqual({ line: 2, column: 3, depth: 3 });
  });

  it('reports YAML syntax errors at their positions and builds no value', () => {
    const bad = parseLocatedYaml('a: [1, 2\nb: 3\n', 's.yaml');
    expect(bad.value).toBeUndefined();
    expect(bad.issues.length).toBeGreaterThan(0);
    expect(bad.issues[0]).toMatchObject({ file: 's.yaml', line: 2, column: 1 });
  });
});

describe('parseConfig', () => {
  it('returns the parsed value with defaults', () => {
    expect(parseConfig('name: office\nphones: [{ user: alice }]\n', 'f.yaml', schema)).toEqual({ name: 'office', phones: [{ user: 'alice', codec: 'PCMU', expires: 3600 }] });
  });

  it('reports an unknown key at the key, with a did-you-mean hint when one is close', () => {
    expect(errors('name: office\nphones:\n  - { user: alice, codc: PCMA }\n  - user: bob\n    colour: red\n')).toEqual([
      'f.yaml:3:20: unknown key `codc`; did you mean `codec`?',
      'f.yaml:5:5: unknown key `colour`',
    ]);
  });

  it('reports a bad enum value with the accepted ones and a hint', () => {
    expect(errors('name: office\nphones: [{ user: alice, codec: PCNA }]\n')).toEqual([
      'f.yaml:2:32: codec: expected one of `PCMU`, `PCMA`, `G722`, got the text "PCNA"; did you mean `PCMA`?',
    ]);
  });

  it('reports a missing key at the map that lacks it, and a wrong type at the value', () => {
    expect(errors('phones:\n  - { codec: PCMA }\n  - { user: 1001, expires: 30 }\n')).toEqual([
      'f.yaml:1:1: missing key `name`',
      'f.yaml:2:5: missing key `user`',
      'f.yaml:3:13: user: expected a string, got the number 1001: quote it ("1001")',
      'f.yaml:3:28: expires: must be at least 60',
    ]);
  });

  it('reports an empty value and a value of the wrong shape', () => {
    expect(errors('name:\nphones: { user: alice }\ntransport: [udp]\n')).toEqual([
      'f.yaml:1:6: name: expected a string, got an empty value',
      'f.yaml:2:9: phones: expected a list, got a map',
      'f.yaml:3:12: transport: expected a map, got a list',
    ]);
  });

  it('reports a document that is not a map, or is empty', () => {
    expect(errors('- a\n- b\n')).toEqual(['f.yaml:1:1: expected a map, got a list']);
    expect(errors('')).toEqual(['f.yaml:1:1: expected a map, got an empty value']);
  });

  it('reports custom (cross-field) issues at the node they name', () => {
    expect(errors('name: office\nphones:\n  - user: alice\n  - user: alice\n')).toEqual(['f.yaml:4:11: user alice is listed twice']);
  });

  it('reports every error at once, sorted by position, one per line', () => {
    const text = ['phones:', '  - { user: alice, codec: opus }', '  - { usr: bob }', 'transport: { kind: sctp, port: "5060" }', 'nmae: office', ''].join('\n');
    let error: ConfigError | undefined;
    try {
      parseConfig(text, 'multi.yaml', schema);
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(Error);
    expect(error!.name).toBe('ConfigError');
    expect(error!.issues.map((i) => [i.line, i.column])).toEqual([
      [1, 1],
      [2, 27],
      [3, 5],
      [3, 7],
      [4, 20],
      [4, 32],
      [5, 1],
    ]);
    expect(error!.message).toBe(
      [
        'multi.yaml:1:1: missing key `name`',
        'multi.yaml:2:27: codec: expected one of `PCMU`, `PCMA`, `G722`, got the text "opus"',
        'multi.yaml:3:5: missing key `user`',
        'multi.yaml:3:7: unknown key `usr`; did you mean `user`?',
        'multi.yaml:4:20: kind: expected one of `udp`, `tcp`, got the text "sctp"',
        'multi.yaml:4:32: port: expected a number, got the text "5060"',
        'multi.yaml:5:1: unknown key `nmae`; did you mean `name`?',
      ].join('\n'),
    );
    expect(error!.issues[0]).toEqual({ file: 'multi.yaml', line: 1, column: 1, message: 'missing key `name`' });
  });

  it('reports YAML syntax errors and duplicate keys with their positions, before any schema check', () => {
    expect(errors('name: a\nname: b\n')).toEqual(['f.yaml:2:1: Map keys must be unique']);
    expect(errors('name: office\nphones: [{ user: alice }\n')[0]).toMatch(/^f\.yaml:3:1: /);
    expect(errors('name: *nowhere\n')[0]).toMatch(/^f\.yaml:1:7: /);
  });

  it('shares blocks through anchors, aliases and merge keys; `x-` keys only hold them', () => {
    const text = [
      'x-phone: &phone { codec: G722, expires: 600 }',
      'name: office',
      'phones:',
      '  - <<: *phone',
      '    user: alice',
      '  - <<: [{ expires: 120 }, *phone]',
      '    user: bob',
      '  - { <<: *phone, user: carol, codec: PCMA }',
      '',
    ].join('\n');
    expect(parseConfig(text, 'f.yaml', schema).phones).toEqual([
      { user: 'alice', codec: 'G722', expires: 600 },
      { user: 'bob', codec: 'G722', expires: 120 },
      { user: 'carol', codec: 'PCMA', expires: 600 },
    ]);
  });

  it('reports an error inside a merged block where the block is written', () => {
    const text = ['x-phone: &phone', '  codec: G729', 'name: office', 'phones:', '  - { <<: *phone, user: alice }', ''].join('\n');
    expect(errors(text)).toEqual(['f.yaml:2:10: codec: expected one of `PCMU`, `PCMA`, `G722`, got the text "G729"; did you mean `G722`?']);
  });

  it('loads a file, and reports a file that cannot be read as a ConfigError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pbxlab-config-'));
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'name: office\n');
    expect(loadConfig(file, schema)).toEqual({ name: 'office', phones: [] });
    const missing = join(dir, 'missing.yaml');
    expect(() => loadConfig(missing, schema)).toThrow(ConfigError);
    expect(() => loadConfig(missing, schema)).toThrow(new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:1:1: cannot read the file: ENOENT`));
  });

  it('finds the keys a schema accepts at a path through wrappers, arrays and unions', () => {
    expect(objectKeysAt(schema, []).sort()).toEqual(['name', 'phones', 'transport']);
    expect(objectKeysAt(schema, ['phones', 0]).sort()).toEqual(['codec', 'expires', 'user']);
    expect(objectKeysAt(schema, ['transport']).sort()).toEqual(['kind', 'port']);
    const either = z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.string() })]).optional();
    expect(objectKeysAt(z.strictObject({ x: z.array(either) }), ['x', 3]).sort()).toEqual(['a', 'b']);
    expect(objectKeysAt(schema, ['name'])).toEqual([]);
  });
});
