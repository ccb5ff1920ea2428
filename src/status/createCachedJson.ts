import { createHash } from 'node:crypto'
import type { OpsResponse } from '../http/opsRoute.ts'

/** Options of {@link createCachedJson}. */
export interface CachedJsonOptions {
  /** Builds the body (store reads); its failures keep the last good body. */
  readonly build: () => Promise<unknown>
  /** How long a built body is fresh (ms). */
  readonly ttlMs: number
  /** `Cache-Control` sent with it. */
  readonly cacheControl: string
  /** Told about build failures. Must not throw. */
  readonly onError?: (error: unknown) => void
}

/** A JSON document served from memory. */
export interface CachedJson {
  /**
   * The response for a request with this `If-None-Match`: 304 when it matches the current ETag, else 200 with
   * the serialized body. Serves the last good body while a rebuild runs (stale-while-revalidate); waits only when
   * nothing was built yet. Rejects only when the very first build fails.
   */
  respond(ifNoneMatch: string | undefined): Promise<OpsResponse>
  /** The current body (building it when needed). */
  current(): Promise<{ readonly body: Buffer; readonly etag: string }>
  /** Marks the body stale and starts a rebuild now (after a write). */
  invalidate(): void
}

interface Entry {
  readonly body: Buffer
  readonly etag: string
  readonly headers: Readonly<Record<string, string>>
  readonly notModified: OpsResponse
  readonly ok: OpsResponse
  builtAt: number
}

/**
 * Serves a JSON document from memory with a strong ETag and `Cache-Control`, rebuilt at most once per `ttlMs`
 * (single flight). The bytes and the two responses are prepared once per build, so a request costs a header
 * comparison — that is what lets `/public/status` take heavy read load.
 *
 * @example
 * const cached = createCachedJson({ build: () => loadStatus(), ttlMs: 10_000, cacheControl: 'public, max-age=10' })
 * route.handler = (req) => cached.respond(req.headers['if-none-match'])
 */
export function createCachedJson(options: CachedJsonOptions): CachedJson {
  let entry: Entry | undefined
  let building: Promise<Entry> | undefined
  let generation = 0
  let again = false

  function rebuild(): Promise<Entry> {
    if (building !== undefined) return building
    const gen = generation
    const startedAt = performance.now()
    building = (async () => {
      // Yield first, so `building` is assigned before the `finally` below can clear it.
      await null
      try {
        const text = JSON.stringify(await options.build())
        const body = Buffer.from(text)
        const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
        const headers = {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': options.cacheControl,
          etag,
          'x-content-type-options': 'nosniff',
          'access-control-allow-origin': '*',
        }
        const next: Entry = {
          body,
          etag,
          headers,
          ok: { status: 200, headers, body },
          notModified: {
            status: 304,
            headers: { 'cache-control': options.cacheControl, etag, 'access-control-allow-origin': '*' },
          },
          // An invalidation during the build leaves the result already stale, so the next request rebuilds.
          builtAt: gen === generation ? startedAt : Number.NEGATIVE_INFINITY,
        }
        entry = next
        return next
      } finally {
        building = undefined
        if (again) {
          again = false
          rebuild().catch(report)
        }
      }
    })()
    return building
  }

  function report(err: unknown): void {
    try {
      options.onError?.(err)
    } catch {
      // ignored
    }
  }

  async function fresh(): Promise<Entry> {
    const e = entry
    if (e === undefined) return rebuild()
    if (performance.now() - e.builtAt >= options.ttlMs) {
      rebuild().catch(report)
    }
    return e
  }

  return {
    async respond(ifNoneMatch) {
      const e = await fresh()
      if (ifNoneMatch !== undefined && matches(ifNoneMatch, e.etag)) return e.notModified
      return e.ok
    },
    async current() {
      const e = await fresh()
      return { body: e.body, etag: e.etag }
    },
    invalidate() {
      generation++
      if (entry !== undefined) entry.builtAt = Number.NEGATIVE_INFINITY
      // A build already running read the store before this write: build once more when it ends.
      if (building !== undefined) again = true
      else rebuild().catch(report)
    },
  }
}

/** `If-None-Match` matching (RFC 9110 weak comparison): a list of tags, `W/` prefixes ignored, or `*`. */
function matches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true
  for (const part of header.split(',')) {
    const tag = part.trim()
    if (tag === etag || tag === `W/${etag}`) return true
  }
  return false
}
