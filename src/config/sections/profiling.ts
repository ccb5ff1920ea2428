import { z } from 'zod'
import { parseKeyValueList } from '../../tracing/parseKeyValueList.ts'
import type { EnvBinding } from '../envBinding.ts'
import { secret } from '../secret.ts'

/** Pyroscope label names: letters, digits, `_` and `.` (Pyroscope's `labelset.ValidateLabelName`). */
const TAG_NAME = /^[a-zA-Z0-9_.]+$/
/** Label values end at `,` or `}` in Pyroscope's `name` parser, and `{`/`=` would confuse it. */
const TAG_VALUE = /^[^{},=\s][^{},=]*$/
/** Names Lookout sets itself (or Pyroscope derives): a tag may not override them. */
const RESERVED_TAGS = new Set(['__name__', 'service_name', 'app_name', 'environment', 'version', 'instance'])

const tagRecord = z.record(z.string()).superRefine((tags, ctx) => {
  for (const [name, value] of Object.entries(tags)) {
    if (!TAG_NAME.test(name)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `tag name "${name}": letters, digits, "_" or "."`,
      })
    } else if (RESERVED_TAGS.has(name)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `tag name "${name}" is set by Lookout` })
    }
    if (!TAG_VALUE.test(value) || value.length > 128) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `tag "${name}": a value of 1-128 characters without "{", "}", "," or "="`,
      })
    }
  }
})

/** Tags as an object, or `k=v,k2=v2` (the OTel list format, percent-decoded). */
const tags = z.union([
  tagRecord,
  z
    .string()
    .transform((text, ctx) => {
      const parsed = parseKeyValueList(text)
      if (!parsed.ok) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `expected key=value,key2=value2: ${parsed.message}`,
        })
        return z.NEVER
      }
      return { ...parsed.value }
    })
    .pipe(tagRecord),
])

const pyroscopeUrl = z
  .string()
  .url('an absolute http(s) URL')
  .refine((u) => {
    const url = new URL(u)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === ''
  }, 'an http(s) base URL without query or fragment, e.g. http://pyroscope:4040')

/**
 * Continuous profiling to Grafana Pyroscope (`POST /ingest`). On when `url` is set (and `profiling.enabled`).
 *
 * @example
 * { profiling: { pyroscope: { url: 'http://pyroscope:4040', intervalSeconds: 60, tags: { region: 'eu' } } } }
 */
export const pyroscopeSchema = z
  .object({
    /** Pyroscope (or Grafana Alloy `pyroscope.receive_http`) base URL. Env `LOOKOUT_PYROSCOPE_URL`. */
    url: pyroscopeUrl.optional(),
    /** Seconds between the starts of two CPU windows. Default 60. Env `LOOKOUT_PYROSCOPE_INTERVAL`. */
    intervalSeconds: z.number().int().min(1).max(3600).default(60),
    /**
     * Length of each CPU window in seconds, ≤ interval. Default: the interval (always on — the profiler never
     * stops, so V8's start-up pause is paid once; a shorter window pays it at every window, see
     * docs/profiling.md). Env `LOOKOUT_PYROSCOPE_WINDOW`.
     */
    windowSeconds: z.number().int().min(1).max(3600).optional(),
    /** Sampling rate of continuous windows in Hz. Default 100 (Pyroscope's default). */
    sampleRateHz: z.number().int().min(1).max(1000).default(100),
    /** Bearer token sent as `Authorization: Bearer …`. Env `LOOKOUT_PYROSCOPE_AUTH_TOKEN`. */
    authToken: secret(z.string().min(1)).optional(),
    /** Basic auth user (Grafana Cloud). Env `LOOKOUT_PYROSCOPE_BASIC_AUTH_USER`. */
    basicAuthUser: z.string().min(1).optional(),
    /** Basic auth password. Env `LOOKOUT_PYROSCOPE_BASIC_AUTH_PASSWORD`. */
    basicAuthPassword: secret(z.string().min(1)).optional(),
    /** `X-Scope-OrgID` for multi-tenant Pyroscope. Env `LOOKOUT_PYROSCOPE_TENANT_ID`. */
    tenantId: z.string().min(1).max(150).optional(),
    /** Extra static labels on every profile. Env `LOOKOUT_PYROSCOPE_TAGS` (`k=v,k2=v2`). */
    tags: tags.default({}),
    /** Per-push timeout in ms. Default 10 000. */
    timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Encoded windows waiting for a slow receiver; more are dropped (counted). Default 2. */
    maxQueued: z.number().int().min(1).max(100).default(2),
  })
  .strict()
  .refine((p) => p.windowSeconds === undefined || p.windowSeconds <= p.intervalSeconds, {
    message: 'windowSeconds must not exceed intervalSeconds',
    path: ['windowSeconds'],
  })
  .refine((p) => (p.basicAuthUser === undefined) === (p.basicAuthPassword === undefined), {
    message: 'basicAuthUser and basicAuthPassword go together',
    path: ['basicAuthPassword'],
  })
  .refine((p) => p.authToken === undefined || p.basicAuthUser === undefined, {
    message: 'use either authToken or basic auth, not both',
    path: ['authToken'],
  })
  .default({})

/**
 * Profiling options: on-demand CPU/heap profiles on `/observability/profile/*` (operator key) and continuous
 * profiling to Pyroscope. See docs/profiling.md.
 *
 * @example
 * { profiling: { maxSeconds: 30, pyroscope: { url: process.env.PYROSCOPE_URL } } }
 */
export const profilingSchema = z
  .object({
    /** Mount the profile routes and allow continuous mode. Default `false` (profiling costs CPU and memory). Env `LOOKOUT_PROFILING_ENABLED`. */
    enabled: z.boolean().default(false),
    /** Default CPU profile length (`?seconds=` absent). Default 10. */
    defaultSeconds: z.number().int().min(1).max(600).default(10),
    /** Largest `?seconds=` accepted. Default 60. Env `LOOKOUT_PROFILING_MAX_SECONDS`. */
    maxSeconds: z.number().int().min(1).max(600).default(60),
    /** Sampling interval of on-demand CPU profiles in µs. Default 1000 (V8's default, 1 kHz). */
    samplingIntervalMicros: z.number().int().min(100).max(100_000).default(1000),
    /** Sampled heap profiling. */
    heap: z
      .object({
        /**
         * Keep V8's sampling heap profiler running from `start()` so `GET /observability/profile/heap` shows live
         * memory. Default `true` (when `profiling.enabled`). Env `LOOKOUT_PROFILING_HEAP`.
         */
        enabled: z.boolean().default(true),
        /** Average bytes between samples. Default 524 288 (512 KiB, as Go and V8's default). */
        samplingIntervalBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 * 1024)
          .default(512 * 1024),
      })
      .strict()
      .default({}),
    pyroscope: pyroscopeSchema,
  })
  .strict()
  .refine((p) => p.defaultSeconds <= p.maxSeconds, {
    message: 'defaultSeconds must not exceed maxSeconds',
    path: ['defaultSeconds'],
  })
  .default({})

export const profilingEnv: readonly EnvBinding[] = [
  { env: 'LOOKOUT_PROFILING_ENABLED', path: 'profiling.enabled', parse: 'bool' },
  { env: 'LOOKOUT_PROFILING_MAX_SECONDS', path: 'profiling.maxSeconds', parse: 'int' },
  { env: 'LOOKOUT_PROFILING_HEAP', path: 'profiling.heap.enabled', parse: 'bool' },
  { env: 'LOOKOUT_PYROSCOPE_URL', path: 'profiling.pyroscope.url', parse: 'string' },
  { env: 'PYROSCOPE_SERVER_ADDRESS', path: 'profiling.pyroscope.url', parse: 'string' },
  { env: 'LOOKOUT_PYROSCOPE_INTERVAL', path: 'profiling.pyroscope.intervalSeconds', parse: 'int' },
  { env: 'LOOKOUT_PYROSCOPE_WINDOW', path: 'profiling.pyroscope.windowSeconds', parse: 'int' },
  { env: 'LOOKOUT_PYROSCOPE_AUTH_TOKEN', path: 'profiling.pyroscope.authToken', parse: 'string' },
  { env: 'PYROSCOPE_AUTH_TOKEN', path: 'profiling.pyroscope.authToken', parse: 'string' },
  { env: 'LOOKOUT_PYROSCOPE_BASIC_AUTH_USER', path: 'profiling.pyroscope.basicAuthUser', parse: 'string' },
  {
    env: 'LOOKOUT_PYROSCOPE_BASIC_AUTH_PASSWORD',
    path: 'profiling.pyroscope.basicAuthPassword',
    parse: 'string',
  },
  { env: 'LOOKOUT_PYROSCOPE_TENANT_ID', path: 'profiling.pyroscope.tenantId', parse: 'string' },
  { env: 'LOOKOUT_PYROSCOPE_TAGS', path: 'profiling.pyroscope.tags', parse: 'string' },
]
