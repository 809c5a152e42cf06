/** The service codes dialled as calls, by feature (each module handles its features). */
import type { ServiceFeature } from '../config/index.js';
import { conferenceAccess } from './conference-access.js';
import { dndToggle } from './dnd-toggle.js';
import { intercom } from './intercom.js';
import { pickup } from './pickup.js';
import type { ServiceCodeHandler } from './service-code.js';
import { voicemailAccess } from './voicemail-access.js';

const HANDLERS: readonly ServiceCodeHandler[] = [pickup, intercom, dndToggle, voicemailAccess, conferenceAccess];

export function serviceHandler(feature: ServiceFeature): ServiceCodeHandler | undefined {
  return HANDLERS.find((h) => h.features.includes(feature));
}

export type { ServiceContext, ServiceCodeHandler, DialledService } from './service-code.js';
