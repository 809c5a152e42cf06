/** The RFC 4475 torture messages copied into fixtures/sip/rfc4475 and their expected verdicts (EXPECTED.tsv). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RFC4475_CORPUS = join(import.meta.dirname, '..', '..', 'fixtures', 'sip', 'rfc4475');

export interface Rfc4475Expectation {
  file: string;
  section: string;
  cls: string;
  expected: string;
}

export const rfc4475Expectations: Rfc4475Expectation[] = readFileSync(join(RFC4475_CORPUS, 'EXPECTED.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [file, section, cls, expected] = line.split('\t') as [string, string, string, string];
    return { file, section, cls, expected };
  });
