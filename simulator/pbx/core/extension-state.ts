/**
 * Extension state as one service (ARCHITECTURE.md "Extension state"): what the configuration
 * says of each extension (DND, forwarding, call waiting, class of service, display name,
 * language), changed at run time by service codes (and later the PMS and the HTTP API). Every
 * change is an `extension-state-changed` event; readers always get the current value.
 */
import type { ExtensionConfig, ForwardConfig, PbxConfig } from '../config/index.js';
import type { PbxEventBus } from './events.js';

export interface ExtensionSettings {
  dnd: boolean;
  callWaiting: boolean;
  forward: ForwardConfig;
  classOfService: ExtensionConfig['classOfService'];
  displayName: string;
  language: string;
}

export type ExtensionField = keyof ExtensionSettings;

export class ExtensionStateService {
  private readonly state = new Map<string, ExtensionSettings>();

  constructor(
    config: PbxConfig,
    private readonly events: PbxEventBus,
  ) {
    for (const e of config.extensions) {
      this.state.set(e.number, {
        dnd: e.features.dnd,
        callWaiting: e.features.callWaiting,
        forward: e.forward,
        classOfService: e.classOfService,
        displayName: e.name,
        language: e.language,
      });
    }
  }

  /** The current settings of an extension, undefined for a number that is none. */
  get(number: string): Readonly<ExtensionSettings> | undefined {
    return this.state.get(number);
  }

  /** Changes one setting; `by` says who (`service-code`, `pms`, `api`). No event when nothing changed. */
  set<F extends ExtensionField>(number: string, field: F, value: ExtensionSettings[F], by: string): void {
    const settings = this.state.get(number);
    if (settings === undefined) throw new Error(`no extension ${number}`);
    if (settings[field] === value) return;
    settings[field] = value;
    this.events.publish('extension-state-changed', { extension: number, field, value, by });
  }
}
