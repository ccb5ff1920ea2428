import { z } from 'zod'

const stringMap = z.record(z.string(), z.string()).default({})

/**
 * Alertmanager webhook v4. Unknown fields are allowed (Alertmanager adds some across versions);
 * what Lookout reads is validated.
 */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().optional(),
  groupLabels: stringMap,
  commonLabels: stringMap,
  commonAnnotations: stringMap,
  externalURL: z.string().optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: stringMap,
        annotations: stringMap,
        startsAt: z.string().min(1),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z.string().optional(),
      }),
    )
    .max(1000),
})

/** A parsed Alertmanager notification. */
export type AlertmanagerPayload = z.output<typeof alertmanagerPayloadSchema>
