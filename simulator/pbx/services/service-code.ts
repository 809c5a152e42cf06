/**
 * A service code dialled as a call (ARCHITECTURE.md "Other PBX services"): the dialplan finds the code of
 * the numbering profile, and the handler of its feature does the work. Each feature is one module
 * of this folder, listed in `index.ts`.
 */
import type { IncomingInvite, CallerIdentity } from '../../engine/ua/index.js';
import type { CallRouter, Routing } from '../call-router.js';
import type { PbxCall } from '../call/pbx-call.js';
import type { ServiceCode, ServiceFeature } from '../config/index.js';
import type { CallerRef } from '../core/application.js';
import type { ExtensionStateService } from '../core/extension-state.js';
import type { Clock } from '../../engine/clock/index.js';
import type { PbxConfig } from '../config/index.js';

export interface ServiceContext {
  readonly config: PbxConfig;
  readonly clock: Clock;
  readonly router: CallRouter;
  readonly extensions: ExtensionStateService;
  /** The PBX's calls now. */
  readonly calls: ReadonlySet<PbxCall>;
}

export interface DialledService {
  readonly invite: IncomingInvite;
  readonly code: ServiceCode;
  /** What was dialled after the code. */
  readonly rest: string;
  readonly caller: CallerRef;
  readonly identity: CallerIdentity;
}

export interface ServiceCodeHandler {
  readonly features: readonly ServiceFeature[];
  /** Handles the call; returns a routing when the call goes on as a call (intercom), else undefined. */
  handle(ctx: ServiceContext, dialled: DialledService): Routing | undefined;
}
