import { createRequire } from 'node:module'
import type { TracerProvider } from '@opentelemetry/api'
import type { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import type { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { redactQuery } from './redactQuery.ts'
import type { SpanRedactor } from './spanRedactor.ts'

const require = createRequire(import.meta.url)

/** Marker `lookout/register` sets on `globalThis` when it has enabled the instrumentations itself. */
export const REGISTER_MARK = Symbol.for('lookout.register')

/** One Lookout instance that wants its outbound calls traced. */
export interface OutboundOwner {
  readonly provider: TracerProvider
  readonly redactor: SpanRedactor
}

interface State {
  owners: OutboundOwner[]
  undici: UndiciInstrumentation | undefined
  http: HttpInstrumentation | undefined
}

// Process-wide by nature: diagnostics_channel subscriptions and the http module patch exist once per process.
const state: State = { owners: [], undici: undefined, http: undefined }

function top(): OutboundOwner | undefined {
  return state.owners[state.owners.length - 1]
}

// Client span attributes of the http instrumentation that hold a query string.
const URL_ATTRIBUTES = ['http.url', 'http.target', 'url.full', 'url.query']

/**
 * Creates the official outbound instrumentations with Lookout's settings: CLIENT spans only inside a traced
 * request (`requireParent…` — Lookout's own background calls and the app's start-up fetches do not become root
 * traces), the query string of `url.full`/`url.query` redacted, incoming http instrumentation off (Lookout makes
 * the server spans itself).
 *
 * @example
 * const [undici, http] = createOutboundInstrumentations(() => redactor)
 */
export function createOutboundInstrumentations(
  redactor: () => SpanRedactor,
): [UndiciInstrumentation, HttpInstrumentation] {
  // Loaded here, not at import: their require hooks and semver pull ~60 modules that untraced processes skip.
  const { UndiciInstrumentation } =
    require('@opentelemetry/instrumentation-undici') as typeof import('@opentelemetry/instrumentation-undici')
  const { HttpInstrumentation } =
    require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http')
  const undici = new UndiciInstrumentation({
    requireParentforSpans: true,
    requestHook(span, request) {
      if (!span.isRecording()) return
      try {
        const q = request.path.indexOf('?')
        if (q === -1) return
        const query = redactQuery(request.path.slice(q + 1), redactor())
        span.setAttribute('url.query', `?${query}`)
        span.setAttribute('url.full', `${request.origin}${request.path.slice(0, q)}?${query}`)
      } catch {
        // telemetry
      }
    },
  })
  const http = new HttpInstrumentation({
    disableIncomingRequestInstrumentation: true,
    requireParentforOutgoingSpans: true,
    requestHook(span) {
      if (!span.isRecording()) return
      try {
        // The instrumentation has set the full URL already (old and stable semantic conventions): rewrite the
        // query part of each attribute that carries one.
        const attributes = (span as unknown as { attributes?: Record<string, unknown> }).attributes
        if (attributes === undefined) return
        for (const name of URL_ATTRIBUTES) {
          const value = attributes[name]
          if (typeof value !== 'string') continue
          const q = name === 'url.query' ? (value.startsWith('?') ? 0 : -1) : value.indexOf('?')
          if (q === -1 && name !== 'url.query') continue
          span.setAttribute(name, `${value.slice(0, q + 1)}${redactQuery(value.slice(q + 1), redactor())}`)
        }
      } catch {
        // telemetry
      }
    },
  })
  return [undici, http]
}

/**
 * Traces outbound HTTP (fetch/undici through `diagnostics_channel`, `node:http`/`https` clients) with this
 * instance's tracer provider, until the returned release function is called. The instrumentations exist once per
 * process; the most recently started instance owns them, and ownership returns to the previous one on release.
 * When `lookout/register` already instrumented the process, this does nothing (no double client spans).
 *
 * Note: `node:http` calls are traced when the app calls `http.request`/`http.get` on the module object (CJS
 * `require('http')`, ESM default import). Named ESM imports bound before Lookout started are only patched
 * through `lookout/register`.
 *
 * @example
 * const release = acquireOutboundTracing({ provider, redactor })
 * // … later, at shutdown
 * release()
 */
export function acquireOutboundTracing(owner: OutboundOwner): () => void {
  if ((globalThis as Record<symbol, unknown>)[REGISTER_MARK] !== undefined) return () => {}
  state.owners.push(owner)
  try {
    if (state.undici === undefined || state.http === undefined) {
      const [undici, http] = createOutboundInstrumentations(() => top()?.redactor ?? owner.redactor)
      state.undici = undici
      state.http = http
      // The http instrumentation patches on the next require of the module; trigger it now.
      require('node:http')
      require('node:https')
    } else if (state.owners.length === 1) {
      state.undici.enable()
      state.http.enable()
    }
    state.undici.setTracerProvider(owner.provider)
    state.http.setTracerProvider(owner.provider)
  } catch {
    // Outbound tracing is best-effort; requests are never affected.
  }
  let released = false
  return function releaseOutboundTracing() {
    if (released) return
    released = true
    const i = state.owners.lastIndexOf(owner)
    if (i !== -1) state.owners.splice(i, 1)
    try {
      const next = top()
      if (next === undefined) {
        state.undici?.disable()
        state.http?.disable()
      } else {
        state.undici?.setTracerProvider(next.provider)
        state.http?.setTracerProvider(next.provider)
      }
    } catch {
      // ignored
    }
  }
}
