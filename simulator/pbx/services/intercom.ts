/**
 * Intercom (ARCHITECTURE.md "Basic calls and per-call features"): the code and an extension call it with a
 * request to answer automatically (`call-router.ts` adds the header; an extension that does not
 * allow intercom refuses with 403).
 */
import type { ServiceCodeHandler } from './service-code.js';

export const intercom: ServiceCodeHandler = {
  features: ['intercom'],
  handle: (ctx, { rest, caller }) => ctx.router.route(rest, caller, { intercom: true }),
};
