/** `pbxlab analyze FILE --json` run in-process for the pcap suites, its output parsed. */
import { expect } from 'vitest';
import { runCli } from '../../simulator/cli/program.js';

/** The JSON analysis of `file`; exit status 1 (a failed check) is an answer too, not an error. */
export async function analyzeJson<T>(file: string): Promise<T> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['analyze', file, '--json'], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), readStdin: async () => new Uint8Array() });
  expect(code, stderr).toBeLessThanOrEqual(1);
  return JSON.parse(stdout) as T;
}
