/**
 * Multi-terminal ordering (issue 5 acceptance, ARCHITECTURE.md "Registration and terminals"): for any set
 * of up to 8 terminals with random orders, registration states, WebCall flags and behaviours
 * (answer after a delay, busy, decline, no answer), a call through PbxCall in virtual time rings
 * exactly the terminals the rules say, round by round; the first answer cancels the others still
 * ringing; later rounds never ring; and the caller gets the status the outcomes imply. The
 * expected rounds are computed here from the rules, independently of `ringRounds`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallMedia } from '../../simulator/engine/media/call/index.js';
import { RtpPortAllocator } from '../../simulator/engine/media/rtp/index.js';
import type { IncomingInvite } from '../../simulator/engine/ua/index.js';
import { signallingOnly } from '../../simulator/endpoints/load/index.js';
import { PbxCall } from '../../simulator/pbx/call/pbx-call.js';
import { CallControl, PbxEventBus } from '../../simulator/pbx/index.js';
import type { CallRouter } from '../../simulator/pbx/call-router.js';
import { ringRounds, type WebcallMode } from '../../simulator/pbx/hunt/ring-rounds.js';
import { uaWorld } from '../support/ua-world.js';

type Behaviour = 'answer' | 'busy' | 'decline' | 'no-answer';

interface TerminalCase {
  order: number;
  registered: boolean;
  webcall: boolean;
  behaviour: Behaviour;
}

const RING_ROUND_MS = 5000;

const terminal = fc.record({
  order: fc.integer({ min: 0, max: 8 }),
  registered: fc.boolean(),
  webcall: fc.constant(false),
  behaviour: fc.constantFrom<Behaviour>('answer', 'busy', 'decline', 'no-answer'),
});

const huntCase = fc.record({
  terminals: fc.array(terminal, { minLength: 1, maxLength: 8 }),
  webcallAt: fc.option(fc.nat(7), { nil: undefined }),
  mode: fc.constantFrom<WebcallMode>('exclusive', 'multi-terminal'),
});

/** The rules of ARCHITECTURE.md "Registration and terminals", written out plainly: the rounds as lists of terminal indexes. */
function expectedRounds(ts: readonly TerminalCase[], mode: WebcallMode): number[][] {
  const idx = ts.map((t, i) => ({ ...t, i })).filter((t) => t.registered);
  const webcall = idx.find((t) => t.webcall);
  if (mode === 'exclusive' && webcall !== undefined) return [[webcall.i]];
  const rounds: number[][] = [];
  for (let order = 1; order <= 8; order++) {
    const round = idx.filter((t) => t.order === order && !(mode === 'exclusive' && t.webcall)).map((t) => t.i);
    if (round.length > 0) rounds.push(round);
  }
  return rounds;
}

/** Answer delays differ per terminal, so the first answer is well defined. */
const answerDelay = (i: number): number => 200 + 150 * i;

describe('PbxCall: multi-terminal ordering', () => {
  it('rings the right terminals in the right rounds; the first answer cancels the others', async () => {
    await fc.assert(
      fc.asyncProperty(huntCase, async ({ terminals: raw, webcallAt, mode }) => {
        const ts = raw.map((t, i) => ({ ...t, webcall: i === webcallAt }));
        const w = uaWorld(7, { latencyMs: 5 });
        const rung: { i: number; at: number }[] = [];
        const canceled = new Set<number>();
        const pbxPorts = new RtpPortAllocator(w.net, '10.0.0.1');
        const media = (): CallMedia => new CallMedia({ clock: w.clock, rng: w.rng.fork('m'), ports: pbxPorts, address: '10.0.0.1', ear: false, inbandDtmf: false });
        const pbx = await w.agent('pbx', { sessionDescriptions: media });
        const caller = await w.agent('caller');
        const users: string[] = [];
        for (const [i, t] of ts.entries()) {
          const ua = await w.agent(`t${i}`, { sessionDescriptions: () => signallingOnly(`10.0.0.${i + 3}`, i) });
          users.push(`t${i}`);
          ua.delegate = {
            onInvite: (invite: IncomingInvite) => {
              rung.push({ i, at: w.clock.now() });
              invite.on('canceled', () => canceled.add(i));
              if (t.behaviour === 'busy') return void invite.reject(486);
              if (t.behaviour === 'decline') return void invite.reject(603);
              invite.progress(180);
              if (t.behaviour === 'answer') w.clock.setTimer(answerDelay(i), () => invite.accept());
            },
          };
        }
        let call: PbxCall | undefined;
        pbx.delegate = {
          onInvite: (invite) => {
            const rounds = ringRounds(
              ts.map((t, i) => ({ user: users[i]!, order: t.order, webcall: t.webcall, registered: t.registered })),
              mode,
            ).map((round) => round.map((user) => ({ user, extension: { number: '1002', name: 'Bob' }, contact: `sip:${user}@10.0.0.${Number(user.slice(1)) + 3}`, flow: { transport: 'UDP' as const, endpoint: { address: `10.0.0.${Number(user.slice(1)) + 3}`, port: 5060 } } })));
            // Ringing only: no forwarding, transfer or service code reaches the router here.
            const router = { route: () => ({ kind: 'reject', status: 404, why: 'unused' }) } as unknown as CallRouter;
            const control = new CallControl({ ua: pbx, clock: w.clock, domain: '10.0.0.1', ringRoundMs: RING_ROUND_MS, media, events: new PbxEventBus(() => w.clock.now()), mediaFrames: false });
            const context = { control, router, transferRecallMs: 0, serviceCodes: [], findDialog: () => undefined };
            call = new PbxCall(context, invite, { uri: 'sip:1001@10.0.0.1', displayName: 'Alice' }, { number: '1001' }, '1002');
            call.start({ number: '1002', rounds, noAnswerMs: 10 * RING_ROUND_MS });
          },
        };
        const outcome: number[] = [];
        const out = caller.invite('sip:1002@10.0.0.1', { descriptions: signallingOnly('10.0.0.2', 1) });
        out.on('accepted', (session, r) => {
          outcome.push(r.status);
          w.clock.setTimer(100, () => session.bye());
        });
        out.on('ended', (_o, r) => outcome.push(r?.status ?? 0));
        await w.clock.runUntilIdleAsync();

        const rounds = expectedRounds(ts, mode);
        // The model: rounds ring in turn until one holds a terminal that answers.
        let answering: number | undefined;
        const expectedRung: number[][] = [];
        for (const round of rounds) {
          expectedRung.push(round);
          const answerers = round.filter((i) => ts[i]!.behaviour === 'answer');
          if (answerers.length > 0) {
            answering = answerers.reduce((a, b) => (answerDelay(a) <= answerDelay(b) ? a : b));
            break;
          }
        }
        const statuses = expectedRung.flat().map((i) => ({ busy: 486, decline: 603, 'no-answer': 487, answer: 487 })[ts[i]!.behaviour]);
        const expectedStatus =
          answering !== undefined ? 200 : statuses.length > 0 && statuses.every((s) => s === 486) ? 486 : statuses.length > 0 && statuses.every((s) => s === 603) ? 603 : 480;

        expect(outcome[0]).toBe(expectedStatus);
        expect(call?.answeredUser).toBe(answering === undefined ? undefined : `t${answering}`);
        // Rung terminals, in arrival order, form the expected rounds in turn.
        const arrived = [...rung].sort((a, b) => a.at - b.at).map((r) => r.i);
        expect(arrived.length).toBe(expectedRung.flat().length);
        let at = 0;
        for (const round of expectedRung) {
          expect(new Set(arrived.slice(at, at + round.length))).toEqual(new Set(round));
          at += round.length;
        }
        if (answering !== undefined) {
          const lastRound = expectedRung.at(-1)!;
          const stillRinging = lastRound.filter((i) => i !== answering && (ts[i]!.behaviour === 'no-answer' || (ts[i]!.behaviour === 'answer' && answerDelay(i) > answerDelay(answering!))));
          for (const i of stillRinging) expect(canceled.has(i), `t${i} should have been cancelled`).toBe(true);
        }
        expect(w.leftovers().live).toBe(0);
        await w.close();
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
