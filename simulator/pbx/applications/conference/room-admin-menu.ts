/**
 * The admin menu of a room (the v-conference manual's admin keys, for a participant who entered
 * with the admin PIN): `*` in the room takes the admin out of the mix to hear the menu; one key
 * acts and the action is spoken back (1 mute/unmute the participants, 2 lock/unlock entry of new
 * members, 3 remove the last joiner); then the admin is back in the room. Another key, or none
 * within the wait, goes back without acting.
 */
import type { ApplicationContext } from '../../core/application.js';
import type { ConferencePrompts } from './conference-prompts.js';
import type { ConferenceRoom, Participant } from './conference-room.js';
import { PrivateLine } from './private-line.js';

const KEY_WAIT_MS = 5000;

export class RoomAdminMenu {
  private line: PrivateLine | undefined;

  constructor(
    private readonly ctx: ApplicationContext,
    private readonly room: ConferenceRoom,
    private readonly admin: Participant,
    private readonly prompts: ConferencePrompts,
  ) {}

  get open(): boolean {
    return this.line !== undefined;
  }

  start(): void {
    if (this.line !== undefined) return;
    this.room.stepOut(this.admin);
    const line = new PrivateLine(this.ctx, this.admin.party, () => {
      this.line = undefined;
      this.room.leave(this.admin, 'hangup');
    });
    this.line = line;
    line.ask(this.prompts.named('conf-admin-menu'), { firstDigitMs: KEY_WAIT_MS, interDigitMs: KEY_WAIT_MS, maxDigits: 1, terminator: false }, ({ digits }) => {
      const answer = this.act(digits);
      if (answer === undefined) return this.back();
      line.play(this.prompts.named(answer), () => this.back());
    });
  }

  /** The admin left the room while in the menu (removed by another admin): its call ends. */
  close(): void {
    this.line?.hangUp();
    this.line = undefined;
  }

  private act(key: string): string | undefined {
    switch (key) {
      case '1':
        return this.room.toggleMute(this.admin) ? 'conf-muted' : 'conf-unmuted';
      case '2':
        return this.room.toggleLock(this.admin) ? 'conf-room-locked' : 'conf-room-unlocked';
      case '3':
        return this.room.removeLast(this.admin) ? 'conf-removed' : 'conf-nobody';
      default:
        return undefined;
    }
  }

  private back(): void {
    const line = this.line;
    this.line = undefined;
    this.room.stepIn(this.admin);
    line?.close();
  }
}
