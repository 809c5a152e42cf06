/**
 * Where a call to a dialled number goes (ARCHITECTURE.md "Basic calls and per-call features", "Other PBX
 * services"): the dialplan names an extension, a ring group or a service code; for an extension
 * the router applies, in order, manager/assistant filtering (dedicated rings only the assistant,
 * collaborative rings both, the allow-list always reaches the manager), unconditional forwarding,
 * do-not-disturb and busy without call waiting (486, or forwarding on busy), the intercom
 * permission, and then the terminals by ring rounds with the extension's forwarding on busy and on
 * no answer. Forwarding chains are followed up to a few hops; a loop gets 482 (RFC 3261 8.2.2.2).
 */
import type { SeededRandom } from '../engine/rng/index.js';
import type { ForwardCause, RouteTargetProvider } from './core/application.js';
import type { ExtensionStateService } from './core/extension-state.js';
import type { Reachable, RingTarget } from './core/ring-target.js';
import type { ExtensionConfig, PbxConfig, RingGroupConfig, ServiceCode } from './config/index.js';
import type { CallerRef } from './core/application.js';
import type { Dialplan } from './dialplan.js';
import { ringRounds } from './hunt/ring-rounds.js';
import type { LocationService } from './registrar/index.js';

const MAX_FORWARD_HOPS = 5;

/** Auto-answer request on an intercom call (the Call-Info form of RFC 7462's answer-after). */
export const INTERCOM_HEADER: readonly [string, string] = ['Call-Info', '<sip:intercom>;answer-after=0'];

export type Routing =
  | { readonly kind: 'ring'; readonly target: RingTarget; readonly forwardedFrom?: string }
  | { readonly kind: 'reject'; readonly status: number; readonly why: string }
  | { readonly kind: 'service'; readonly code: ServiceCode; readonly rest: string }
  | { readonly kind: 'application'; readonly provider: RouteTargetProvider; readonly number: string; readonly forwardedFrom?: string; readonly forwardReason?: ForwardCause };

export interface RouteOptions {
  /** An intercom call: answered automatically where the callee allows intercom, else 403. */
  intercom?: boolean;
  /** Ring for this long instead of the configured no-answer time (a transfer's recall time). */
  noAnswerMs?: number;
}

/** What the router needs to know of the PBX's live calls. */
export interface LiveCalls {
  /** The extension has an answered call now. */
  inCall(number: string): boolean;
}

export type { CallerRef } from './core/application.js';

export class CallRouter {
  constructor(
    private readonly config: PbxConfig,
    private readonly dialplan: Dialplan,
    private readonly location: LocationService,
    private readonly calls: LiveCalls,
    private readonly state: ExtensionStateService,
    private readonly rng: SeededRandom,
  ) {}

  route(dialled: string, caller: CallerRef, options: RouteOptions = {}): Routing {
    return this.follow(dialled, caller, options, []);
  }

  private follow(dialled: string, caller: CallerRef, options: RouteOptions, visited: string[]): Routing {
    if (visited.includes(dialled)) return { kind: 'reject', status: 482, why: `forwarding loop ${[...visited, dialled].join(' -> ')}` };
    if (visited.length > MAX_FORWARD_HOPS) return { kind: 'reject', status: 482, why: `more than ${MAX_FORWARD_HOPS} forwarding hops` };
    const route = this.dialplan.route(dialled);
    const forwarded = (to: string, reason: ForwardCause): Routing => {
      const next = this.follow(to, caller, options, [...visited, dialled]);
      if (next.kind === 'ring') return { ...next, forwardedFrom: next.forwardedFrom ?? dialled };
      return next.kind === 'application' ? { ...next, forwardedFrom: next.forwardedFrom ?? dialled, forwardReason: next.forwardReason ?? reason } : next;
    };
    switch (route.kind) {
      case 'unknown':
        return { kind: 'reject', status: 404, why: 'unknown number' };
      case 'service':
        return route;
      case 'application':
        return { kind: 'application', provider: route.provider, number: route.number };
      case 'ring-group':
        return { kind: 'ring', target: this.groupTarget(route.group, caller, options) };
      case 'extension':
        break;
    }
    const extension = route.extension;
    const pair = this.config.managerAssistant.find((p) => p.manager === extension.number);
    if (pair !== undefined && !options.intercom && caller.number !== pair.assistant && !pair.allow.includes(caller.number)) {
      const assistant = this.dialplan.extension(pair.assistant);
      if (assistant !== undefined && pair.mode === 'dedicated') return this.follow(pair.assistant, caller, options, [...visited, dialled]);
      if (assistant !== undefined) {
        const both = [...(this.rounds(extension, caller)[0] ?? []), ...(this.rounds(assistant, caller)[0] ?? [])];
        return { kind: 'ring', target: { number: extension.number, rounds: [both], noAnswerMs: this.noAnswerMs(options) } };
      }
    }
    const settings = this.state.get(extension.number);
    const forward = settings?.forward ?? extension.forward;
    if (forward.unconditional !== undefined && !options.intercom) return forwarded(forward.unconditional, 'unconditional');
    const busy = this.dnd(extension) ? 'do not disturb' : !(settings?.callWaiting ?? extension.features.callWaiting) && this.calls.inCall(extension.number) ? 'in a call, call waiting off' : undefined;
    if (busy !== undefined) return forward.busy !== undefined && !options.intercom ? forwarded(forward.busy, 'busy') : { kind: 'reject', status: 486, why: busy };
    if (options.intercom === true && !extension.features.intercom) return { kind: 'reject', status: 403, why: `extension ${extension.number} does not allow intercom` };
    return {
      kind: 'ring',
      target: {
        number: extension.number,
        rounds: this.rounds(extension, caller),
        noAnswerMs: this.noAnswerMs(options),
        ...(!options.intercom && (forward.busy !== undefined || forward.noAnswer !== undefined) && {
          forward: {
            ...(forward.busy !== undefined && { busy: forward.busy }),
            ...(forward.noAnswer !== undefined && { noAnswer: { to: forward.noAnswer.to, afterMs: forward.noAnswer.afterSeconds * 1000 } }),
          },
        }),
        ...(options.intercom === true && { headers: [INTERCOM_HEADER] }),
      },
    };
  }

  /** The extension's registered terminals by ring rounds, without the calling terminal. */
  rounds(extension: ExtensionConfig, caller: CallerRef): Reachable[][] {
    const terminals = extension.terminals.map((t) => ({ user: t.user, order: t.order, webcall: t.webcall, registered: t.user !== caller.user && this.location.isRegistered(t.user) }));
    const who = { number: extension.number, name: extension.name };
    return ringRounds(terminals, extension.webcallMode).map((round) => round.flatMap((user) => this.location.bindingsOf(user).map((b) => ({ user, extension: who, contact: b.contact, flow: b.flow }))));
  }

  /** Ring all: every member's first round at once; sequential: one member after the other; random: the same in a random order. */
  private groupTarget(group: RingGroupConfig, caller: CallerRef, options: RouteOptions): RingTarget {
    const members = group.strategy === 'random' ? this.rng.shuffle(group.members) : group.members;
    const firsts = members.map((number) => {
      const extension = this.dialplan.extension(number);
      return extension === undefined || this.dnd(extension) ? [] : (this.rounds(extension, caller)[0] ?? []);
    });
    const rounds = group.strategy === 'ring-all' ? [firsts.flat()] : firsts.filter((r) => r.length > 0);
    return { number: group.number, rounds, noAnswerMs: options.noAnswerMs ?? (group.noAnswerSeconds ?? this.config.timers.noAnswerSeconds) * 1000 };
  }

  private dnd(extension: ExtensionConfig): boolean {
    return this.state.get(extension.number)?.dnd ?? extension.features.dnd;
  }

  private noAnswerMs(options: RouteOptions): number {
    return options.noAnswerMs ?? this.config.timers.noAnswerSeconds * 1000;
  }
}
