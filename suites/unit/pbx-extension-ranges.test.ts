/**
 * Extension ranges of the PBX configuration (simulator/pbx/config/extension-range.ts): one entry
 * for a block of extensions with `{number}` filled in, and the problems of its expansion reported
 * at the range's own node as file:line:column.
 */
import { describe, expect, it } from 'vitest';
import { parsePbxConfig } from '../../simulator/pbx/config/index.js';
import { parseNumberRange } from '../../simulator/pbx/config/extension-range.js';
import { errorsOf } from '../support/pbx-config-errors.js';


describe('PBX configuration: extension ranges', () => {
  it('declares one extension per number, {number} filled in everywhere, the rest shared', () => {
    const config = parsePbxConfig(
      `extensions:
  - { number: "1001", name: Alice, password: alice-pw }
  - range: "0098-0102"
    name: "Desk {number}"
    password: "{number}-secret"
    classOfService: national
    forward: { busy: "1001" }
    terminals: [{ user: "desk{number}" }, { label: "softphone of {number}", order: 2 }]
`,
      'pbx.yaml',
    );
    expect(config.extensions.map((e) => e.number)).toEqual(['1001', '0098', '0099', '0100', '0101', '0102']);
    const desk = config.extensions[3]!;
    expect(desk).toMatchObject({ number: '0100', name: 'Desk 0100', password: '0100-secret', classOfService: 'national', forward: { busy: '1001' } });
    expect(desk.terminals.map((t) => [t.user, t.password, t.label, t.order])).toEqual([
      ['desk0100', '0100-secret', undefined, 1],
      ['0100-2', '0100-secret', 'softphone of 0100', 2],
    ]);
    expect(desk).not.toHaveProperty('range');
    // What has no {number} is one object for the whole range.
    expect(config.extensions[2]!.features).toBe(desk.features);
    expect(config.extensions[2]!.forward).toBe(desk.forward);
  });

  it('lets the other parts of the file name the extensions of a range', () => {
    const config = parsePbxConfig(
      `extensions:
  - { range: "2000-2099", name: "Ext {number}", password: pw }
ringGroups:
  - { number: "600", name: Sales, members: ["2000", "2050"] }
`,
      'pbx.yaml',
    );
    expect(config.extensions).toHaveLength(100);
    expect(config.ringGroups[0]!.members).toEqual(['2000', '2050']);
  });

  it('refuses a range that is not one, at its node', () => {
    expect(parseNumberRange('2000-2999')).toEqual({ from: 2000, to: 2999, width: 4 });
    expect(
      errorsOf(`extensions:
  - { range: "2999-2000", name: A, password: pw }
  - { range: "200-2999", name: B, password: pw }
  - { range: "2000", name: C, password: pw }
  - { range: "1000-1009", number: "1000", name: D, password: pw }
  - { name: E, password: pw }
`),
    ).toEqual([
      'pbx.yaml:2:14: the range ends (2000) before it starts (2999)',
      'pbx.yaml:3:14: 200 and 2999 have different lengths: write both with the same number of digits',
      'pbx.yaml:4:14: a range is two numbers of the same length, `FIRST-LAST` (quoted), e.g. "2000-2999"',
      'pbx.yaml:5:14: give an extension either a `number` or a `range`, not both',
      'pbx.yaml:6:5: an extension needs a `number` (or a `range` of numbers, "2000-2999")',
    ]);
  });

  it('reports a number of a range taken by a listed extension, an overlapping range or a service code at the range, a few of each', () => {
    expect(
      errorsOf(`profile: neutral
serviceCodes: { intercom: "*0" }
extensions:
  - { number: "2005", name: Alice, password: pw }
  - { range: "2000-2009", name: "Ext {number}", password: pw }
  - { range: "2008-2019", name: "Desk {number}", password: pw, forward: { busy: "3000" } }
ringGroups:
  - { number: "2015", name: Sales, members: ["2000"] }
`),
    ).toEqual([
      'pbx.yaml:5:14: extension number 2005 is already used by the extension Alice',
      'pbx.yaml:6:14: extension number 2008 is already used by the extension Ext 2008',
      'pbx.yaml:6:14: extension number 2009 is already used by the extension Ext 2009',
      'pbx.yaml:6:81: `3000` is not an extension, a ring group, `voicemail`, an external number (7-20 digits, or + and 8-15) or a SIP URI; did you mean `2000`?',
      'pbx.yaml:8:15: ring group number 2015 is already used by the extension Desk 2015',
    ]);
  });

  it('reports a service code that is a prefix of numbers of a range once per kind, with a count', () => {
    const errors = errorsOf(`profile: ision
extensions:
  - { range: "1000-1099", name: "Ext {number}", password: pw }
`);
    expect(errors.every((e) => e.startsWith('pbx.yaml:3:14: '))).toBe(true);
    expect(errors.length).toBeLessThan(20);
    expect(errors).toContain("pbx.yaml:3:14: extension number 1001 collides with the ision profile's service code 1001 (voicemail-own): one is a prefix of the other");
  });

  it('reports SIP users that repeat because a range names its terminals without {number}', () => {
    expect(
      errorsOf(`extensions:
  - { range: "2000-2001", name: "Ext {number}", password: pw, terminals: [{ user: desk }] }
`),
    ).toEqual(['pbx.yaml:2:83: SIP user desk is already a terminal of extension 2000 (Ext 2000)']);
  });
});
