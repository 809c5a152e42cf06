/**
 * Groups and pairs of extensions in the PBX configuration: ring groups (ARCHITECTURE.md "ACD queues": a
 * simplified queue ringing all, one at random, or in order), pickup groups ("Basic calls":
 * pickup of a ringing call by a group member), manager/assistant pairs ("Other PBX services":
 * dedicated rings only the assistant, collaborative rings both; the allow-list reaches the manager).
 */
import { z } from 'zod';
import { extensionNumberSchema } from './dial-strings.js';

export const RING_STRATEGIES = ['ring-all', 'sequential', 'random'] as const;
export const MANAGER_ASSISTANT_MODES = ['dedicated', 'collaborative'] as const;

export const ringGroupSchema = z.strictObject({
  number: extensionNumberSchema,
  name: z.string().min(1),
  strategy: z.enum(RING_STRATEGIES).default('ring-all'),
  members: z.array(extensionNumberSchema).min(1),
  /** Defaults to `timers.noAnswerSeconds`. */
  noAnswerSeconds: z.number().int().min(1).max(600).optional(),
});

export const pickupGroupSchema = z.strictObject({
  name: z.string().min(1),
  members: z.array(extensionNumberSchema).min(1),
});

export const managerAssistantSchema = z.strictObject({
  manager: extensionNumberSchema,
  assistant: extensionNumberSchema,
  mode: z.enum(MANAGER_ASSISTANT_MODES).default('dedicated'),
  /** Callers (extensions or external numbers) that always reach the manager. */
  allow: z.array(z.string().regex(/^\+?[0-9]{2,20}$/, { error: 'an allowed caller is a number: digits, optionally after +' })).default([]),
});
