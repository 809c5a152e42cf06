/**
 * The scenario schema as JSON Schema (draft 2020-12) for editors: `scenarios/schema.json` is this
 * text, regenerated with `npm run schema` and kept in sync by a test. Files point at it with
 * `# yaml-language-server: $schema=../schema.json`.
 */
import { z } from 'zod';
import { scenarioSchema } from './schema.js';

export function scenarioJsonSchema(): string {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'pbxlab scenario', description: 'A pbxlab YAML call scenario: world, actors, steps and checks' }, null, 2)}\n`;
}
