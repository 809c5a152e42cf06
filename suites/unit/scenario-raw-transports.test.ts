/**
 * Raw actors over TCP between themselves (scenarios/README.md "World"): one with `listen` accepts
 * the connection of another that sends to it, answers on that connection, and a reply that never
 * comes fails the step. In virtual time, beside the simulated PBX.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario, runScenario } from '../../simulator/scenario/index.js';

const scenario = (answer: boolean): string => `name: Two raw actors over TCP
world: { pbx: ${resolve('scenarios/office.pbx.yaml')}, media: off }
actors:
  server: { raw: tcp, listen: "10.0.0.50:5070" }
  client: { raw: tcp }
steps:
  - client:
      send:
        to: server
        message: |
          OPTIONS sip:\${server.ip}:\${server.port};transport=tcp SIP/2.0
          Via: SIP/2.0/TCP \${local_ip}:\${local_port};branch=\${branch}
          From: <sip:client@\${local_ip}>;tag=\${tag}
          To: <sip:\${server.ip}>
          Call-ID: \${call_id}
          CSeq: 7 OPTIONS
          Content-Length: \${len}
  - server: { receive: { request: OPTIONS, headers: { Via: '^(?<via>SIP/2.0/TCP .*)$', From: '^(?<from>.*)$', Call-ID: '^(?<cid>.*)$' } } }
${answer ? `  - server:
      send: |
        SIP/2.0 200 OK
        Via: \${via}
        From: \${from}
        To: <sip:\${server.ip}>;tag=\${tag}
        Call-ID: \${cid}
        CSeq: 7 OPTIONS
        Content-Length: \${len}
` : ''}  - client: { receive: { response: 200, headers: { CSeq: '^7 OPTIONS$' } }, within: 2s }
`;

describe('raw actors over TCP', () => {
  it('an actor with listen accepts the connection and answers on it', async () => {
    const result = await runScenario(parseScenario(scenario(true), resolve('suites/unit/raw-tcp.yaml')));
    expect(result.outcome, result.message).toBe('passed');
    expect(result.trace.map((e) => `${e.transport} ${e.src.address}:${e.src.port} ${e.firstLine.split(' ')[0]}`)).toEqual([
      expect.stringMatching(/^TCP 10\.0\.0\.2:\d+ OPTIONS$/),
      'TCP 10.0.0.50:5070 SIP/2.0',
    ]);
  });

  it('without the answer, the client step fails after its time', async () => {
    const result = await runScenario(parseScenario(scenario(false), resolve('suites/unit/raw-tcp.yaml')));
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/step 3 `client: receive response 200, headers within 2s` failed/);
  });
});
