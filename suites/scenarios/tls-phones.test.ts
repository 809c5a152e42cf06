/**
 * Phone actors with `transport: tls` (issue 16): they and the PBX listen on TLS 5061, register and
 * call over TLS connections, in virtual time (a SimNetwork ignores certificates). The same file
 * runs on loopback sockets with real TLS in suites/interop/tls-keylog.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario, runScenario } from '../../simulator/scenario/index.js';

const TLS_SCENARIO = 'suites/scenarios/tls/call-over-tls.yaml';

describe('phones over TLS', () => {
  it('register and call each other over TLS connections to port 5061', async () => {
    const result = await runScenario(loadScenario(TLS_SCENARIO));
    expect(result.outcome, result.message).toBe('passed');
    const requests = result.trace.filter((e) => e.method !== undefined);
    expect(new Set(requests.map((e) => e.method))).toEqual(new Set(['REGISTER', 'INVITE', 'ACK', 'BYE']));
    expect(requests.filter((e) => e.transport !== 'TLS')).toEqual([]);
    expect(requests.every((e) => e.src.port === 5061 || e.dst.port === 5061)).toBe(true);
  });
});
