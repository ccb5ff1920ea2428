import { z } from 'zod'
import { checkOutboundUrl } from '../outbound/checkOutboundUrl.ts'
import { SECRET_MASK, SEVERITIES } from './conventions.ts'

const maskMessage = 'the mask keeps the stored secret only for an existing channel with the same id and type'

const secretString = (schema: z.ZodTypeAny) =>
  z.string().superRefine((v, ctx) => {
    if (v === SECRET_MASK) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: maskMessage })
      return
    }
    const r = schema.safeParse(v)
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [] } as z.IssueData)
  })

const channelId = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-" (1–64)')
const httpUrl = z
  .string()
  .max(2048)
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL')

const pagerdutyChannel = z
  .object({
    id: channelId,
    type: z.literal('pagerduty'),
    /** Events v2 integration (routing) key: 32 characters. Secret. */
    routingKey: secretString(z.string().regex(/^[a-zA-Z0-9]{32}$/, 'a 32-character integration key')),
    /** `payload.source`; default the service instance. */
    source: z.string().min(1).max(255).optional(),
    component: z.string().max(255).optional(),
    group: z.string().max(255).optional(),
    class: z.string().max(255).optional(),
    /** Link shown in PagerDuty (`client_url`). */
    clientUrl: httpUrl.optional(),
  })
  .strict()

const responder = z
  .object({
    type: z.enum(['team', 'user', 'escalation', 'schedule']),
    id: z.string().min(1).max(128).optional(),
    name: z.string().min(1).max(128).optional(),
    username: z.string().min(1).max(128).optional(),
  })
  .strict()
  .refine(
    (r) => r.id !== undefined || r.name !== undefined || r.username !== undefined,
    'one of id, name, username',
  )

const priority = z.enum(['P1', 'P2', 'P3', 'P4', 'P5'])

const opsgenieChannel = z
  .object({
    id: channelId,
    type: z.literal('opsgenie'),
    /** API integration key (`Authorization: GenieKey …`). Secret. */
    apiKey: secretString(z.string().min(8, 'at least 8 characters').max(256)),
    /** `us` (api.opsgenie.com) or `eu` (api.eu.opsgenie.com). Default `us`. */
    region: z.enum(['us', 'eu']).default('us'),
    responders: z.array(responder).max(50).optional(),
    tags: z.array(z.string().min(1).max(50)).max(20).optional(),
    entity: z.string().max(512).optional(),
    /** Priority per severity; default critical P1, error P2, warning P3, info P5. */
    priorities: z.record(z.enum(SEVERITIES), priority).optional(),
  })
  .strict()

const webhookChannel = z
  .object({
    id: channelId,
    type: z.literal('webhook'),
    url: httpUrl,
    /** HMAC-SHA256 signing secret (≥ 16 characters). Secret. */
    secret: secretString(z.string().min(16, 'at least 16 characters').max(512)),
  })
  .strict()

const slackChannel = z
  .object({
    id: channelId,
    type: z.literal('slack'),
    /** Incoming-webhook URL (it carries the token, so it is secret). */
    url: secretString(
      z
        .string()
        .max(2048)
        .url()
        .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL'),
    ),
    username: z.string().min(1).max(80).optional(),
    iconEmoji: z
      .string()
      .regex(/^:[a-z0-9_+-]{1,60}:$/, 'an emoji like :rotating_light:')
      .optional(),
  })
  .strict()

const channel = z.discriminatedUnion('type', [
  pagerdutyChannel,
  opsgenieChannel,
  webhookChannel,
  slackChannel,
])

const route = z
  .object({
    /** All given conditions must hold. No `match` = every alert. */
    match: z
      .object({
        severity: z.array(z.enum(SEVERITIES)).min(1).optional(),
        labels: z.record(z.string().min(1).max(128), z.string().max(1024)).optional(),
      })
      .strict()
      .optional(),
    channels: z.array(channelId).min(1).max(20),
    /** Keep matching later routes after this one. Default `false` (first match wins). */
    continue: z.boolean().default(false),
  })
  .strict()

/**
 * One tenant's routing config: channels (with write-only secrets) and ordered routes matching severity and
 * labels → channels. First matching route wins unless it says `continue: true`.
 */
export const routingConfigSchema = z
  .object({
    channels: z.array(channel).max(50).default([]),
    routes: z.array(route).max(100).default([]),
    /** Per-tenant cooldown override (seconds). */
    cooldownSeconds: z.number().int().min(0).max(604_800).optional(),
  })
  .strict()

/** A validated routing config. */
export type AlertRoutingConfig = z.output<typeof routingConfigSchema>
/** A routing config as written (defaults optional). */
export type AlertRoutingConfigInput = z.input<typeof routingConfigSchema>
/** One validated channel. */
export type AlertChannel = AlertRoutingConfig['channels'][number]

/** One validation problem: where and what. */
export interface RoutingProblem {
  readonly path: string
  readonly message: string
}

const SECRET_FIELDS: Readonly<Record<AlertChannel['type'], readonly string[]>> = {
  pagerduty: ['routingKey'],
  opsgenie: ['apiKey'],
  webhook: ['secret'],
  slack: ['url'],
}

/** What channel URLs may target (config `alerting.webhookHosts` and `alerting.allowPrivateTargets`). */
export interface ChannelUrlPolicy {
  /** Hosts webhook and Slack channels may post to; `undefined` = any host. */
  readonly webhookHosts?: readonly string[] | undefined
  /** Loopback and private-network targets are accepted. Default `false`. */
  readonly allowPrivateTargets?: boolean
}

/**
 * Validates a routing config as sent by an operator. Masked secrets (`********`) are replaced by the stored
 * config's secret of the channel with the same id and type; anything else must be valid on its own. Also
 * checks that channel ids are unique, routes name existing channels, and that webhook and Slack URLs pass the
 * outbound policy: an allowed host, no credentials, and no loopback, private, link-local or metadata target
 * (unless private targets are allowed). Names are resolved and checked again at every delivery.
 *
 * @example
 * const r = validateRoutingConfig(body, stored, { webhookHosts: ['hooks.slack.com'] })
 * if (!r.ok) return problem(422, 'invalid_config', 'routing config is invalid', r.problems)
 */
export function validateRoutingConfig(
  input: unknown,
  stored: AlertRoutingConfig | undefined,
  policy: ChannelUrlPolicy = {},
): { ok: true; config: AlertRoutingConfig } | { ok: false; problems: RoutingProblem[] } {
  const withSecrets = restoreSecrets(input, stored)
  const parsed = routingConfigSchema.safeParse(withSecrets)
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.slice(0, 50).map((i) => ({
        path: i.path.join('.') || '(root)',
        message: i.message,
      })),
    }
  }
  const config = parsed.data
  const problems: RoutingProblem[] = []
  const ids = new Set<string>()
  config.channels.forEach((c, i) => {
    if (ids.has(c.id)) problems.push({ path: `channels.${i}.id`, message: `duplicate channel id "${c.id}"` })
    ids.add(c.id)
    if (c.type === 'webhook' || c.type === 'slack') {
      const checked = checkOutboundUrl(c.url, {
        allowPrivate: policy.allowPrivateTargets === true,
        allowedHosts: policy.webhookHosts,
        allowedHostsOption: 'alerting.webhookHosts',
      })
      if (!checked.ok) problems.push({ path: `channels.${i}.url`, message: `refused: ${checked.reason}` })
    }
  })
  config.routes.forEach((r, i) => {
    r.channels.forEach((id, j) => {
      if (!ids.has(id))
        problems.push({ path: `routes.${i}.channels.${j}`, message: `unknown channel "${id}"` })
    })
  })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config }
}

function restoreSecrets(input: unknown, stored: AlertRoutingConfig | undefined): unknown {
  if (stored === undefined || input === null || typeof input !== 'object') return input
  const raw = input as { channels?: unknown }
  if (!Array.isArray(raw.channels)) return input
  const channels = raw.channels.map((c: unknown) => {
    if (c === null || typeof c !== 'object') return c
    const ch = c as Record<string, unknown>
    const previous = stored.channels.find((s) => s.id === ch.id && s.type === ch.type) as
      | Record<string, unknown>
      | undefined
    if (previous === undefined) return c
    const fields = SECRET_FIELDS[ch.type as AlertChannel['type']] ?? []
    const copy = { ...ch }
    for (const f of fields) if (copy[f] === SECRET_MASK) copy[f] = previous[f]
    return copy
  })
  return { ...raw, channels }
}

/**
 * The config as shown by the API: every secret replaced by `********`.
 *
 * @example
 * maskRoutingConfig(config).channels[0].routingKey // '********'
 */
export function maskRoutingConfig(config: AlertRoutingConfig): AlertRoutingConfig {
  return {
    ...config,
    channels: config.channels.map((c) => {
      const copy = { ...c } as Record<string, unknown>
      for (const f of SECRET_FIELDS[c.type]) copy[f] = SECRET_MASK
      return copy as AlertChannel
    }),
  }
}

/** Every secret value in a config (to scrub from error texts). */
export function secretsOf(config: AlertRoutingConfig): string[] {
  const out: string[] = []
  for (const c of config.channels) {
    for (const f of SECRET_FIELDS[c.type]) {
      const v = (c as Record<string, unknown>)[f]
      if (typeof v === 'string' && v.length >= 4) out.push(v)
    }
  }
  return out
}

/**
 * The channels an alert goes to: routes in order, first match wins unless `continue`; each channel once.
 *
 * @example
 * matchChannels(config, 'critical', { team: 'auth' }).map((c) => c.id) // ['pd-main']
 */
export function matchChannels(
  config: AlertRoutingConfig,
  severity: string,
  labels: Readonly<Record<string, string>>,
): AlertChannel[] {
  const out: AlertChannel[] = []
  for (const r of config.routes) {
    const m = r.match
    if (m?.severity !== undefined && !(m.severity as readonly string[]).includes(severity)) continue
    if (m?.labels !== undefined && !Object.entries(m.labels).every(([k, v]) => labels[k] === v)) continue
    for (const id of r.channels) {
      const c = config.channels.find((x) => x.id === id)
      if (c !== undefined && !out.includes(c)) out.push(c)
    }
    if (!r.continue) break
  }
  return out
}
