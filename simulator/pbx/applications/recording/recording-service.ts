/**
 * What the recording application keeps for the life of one PBX (ARCHITECTURE.md "Applications"):
 * the recording store (`store`: search, audio, notes, delete) and the control of recordings in
 * progress (`control`: start and stop by core call). The HTTP API reaches both with
 * `pbx.service<RecordingService>('recording')` and follows the `recording-*` events on
 * `pbx.events`.
 */
import type { ApplicationContext, ApplicationService } from '../../core/application.js';
import { utcOffsetMinutes } from './file-name.js';
import { RecordingCalls, type RecordingControl } from './recording-control.js';
import { RecordingStore } from './recording-store.js';

/** INTEREDE keeps recordings 30 calendar days; the other profiles (v-rec) keep them until deleted. */
const PROFILE_RETENTION_DAYS: Readonly<Record<string, number>> = { interede: 30 };

export class RecordingService implements ApplicationService {
  readonly store: RecordingStore;
  readonly control: RecordingControl;

  constructor(ctx: ApplicationContext) {
    const config = ctx.config.recording;
    const retentionDays = config.retentionDays ?? PROFILE_RETENTION_DAYS[ctx.config.profile];
    this.store = new RecordingStore(ctx.storage, ctx.events, {
      epochMs: () => ctx.clock.epochMs(),
      utcOffsetMinutes: utcOffsetMinutes(ctx.config.timeZone),
      ...(retentionDays !== undefined && { retentionDays }),
    });
    this.control = new RecordingCalls(ctx, config, this.store);
  }

  close(): void {
    for (const r of this.control.active()) this.control.stop(r.call);
  }
}
