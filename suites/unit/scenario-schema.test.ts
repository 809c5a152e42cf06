/**
 * scenarios/schema.json is the zod schema of the format exported for editors: it must be what
 * `pbxlab schema` prints now (regenerate with `npm run schema`), and it must describe the files
 * we ship (every scenario's keys are known to it).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../../simulator/scenario/index.js';

describe('scenarios/schema.json', () => {
  it('is in sync with the zod schema (run `npm run schema` after changing simulator/scenario/schema.ts)', () => {
    expect(readFileSync('scenarios/schema.json', 'utf8')).toBe(scenarioJsonSchema());
  });

  it('lists the top-level keys, the step verbs and the phone states for completion', () => {
    const schema = JSON.parse(scenarioJsonSchema()) as {
      properties: Record<string, { items?: { additionalProperties?: { anyOf: { properties?: Record<string, { anyOf?: { enum?: string[]; properties?: Record<string, unknown> }[] }> }[] } } }>;
    };
    expect(Object.keys(schema.properties)).toEqual(['name', 'description', 'tags', 'seed', 'world', 'defaults', 'actors', 'steps', 'checks', 'load', 'gates']);
    const action = schema.properties.steps!.items!.additionalProperties!.anyOf.find((o) => o.properties !== undefined)!;
    expect(Object.keys(action.properties!)).toEqual(expect.arrayContaining(['dial', 'answer', 'hold', 'transfer', 'expect', 'hears', 'send', 'receive', 'within']));
    const expectation = action.properties!.expect!.anyOf!;
    expect(expectation.find((o) => o.enum !== undefined)!.enum).toEqual(expect.arrayContaining(['ringing', 'connected', 'idle', 'busy']));
    expect(Object.keys(expectation.find((o) => o.properties !== undefined)!.properties!)).toEqual(['mwi']);
  });

  it('completes `not` (an expectation and its period), `hears: { prompt, language }` and the events check', () => {
    type Node = { properties?: Record<string, Node>; anyOf?: Node[]; items?: Node; additionalProperties?: Node | boolean; enum?: string[]; required?: string[] };
    const schema = JSON.parse(scenarioJsonSchema()) as Node;
    const action = (schema.properties!.steps!.items!.additionalProperties as Node).anyOf!.find((o) => o.properties !== undefined)!;
    const not = action.properties!.not!;
    expect(Object.keys(not.properties!)).toEqual(['expect', 'hears', 'for', 'with', 'status']);
    expect(not.required).toEqual(['for']);
    const prompt = action.properties!.hears!.anyOf!.find((o) => o.properties?.prompt !== undefined)!;
    expect(prompt.properties!.language!.enum).toEqual(['pt', 'en', 'es', 'ja', 'de', 'it', 'fr']);
    const events = schema.properties!.checks!.items!.properties!.events!;
    expect(events.items!.required).toEqual(['type']);
  });
});
