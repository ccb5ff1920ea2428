/**
 * `npm run demo:traffic` — drives realistic traffic against a running demo for a bounded time, so dashboards,
 * SLOs, alerts and the status page show something: logins (mostly good), failed logins, accounts locked by
 * repeated failures, token refreshes and invalid tokens, user reads/creates, 404s and invalid bodies, and calls
 * to the flaky risk engine behind its circuit breaker (502s, 503s while open, slow answers).
 *
 *   BASE_URL=http://127.0.0.1:8000 DURATION_MS=60000 npm run demo:traffic
 */
import { randomUUID } from 'node:crypto'
import { pathToFileURL } from 'node:url'

/** Options of {@link runTraffic}. */
export interface TrafficOptions {
  /** The demo's base URL. */
  readonly baseUrl: string
  /** How long to run (ms). */
  readonly durationMs: number
  /** Concurrent virtual users. Default 4. */
  readonly concurrency?: number
  /** Tenants (each with the seeded `admin@<tenant>.example`). Default acme, globex. */
  readonly tenants?: readonly string[]
  /** The seeded admins' password. Default `demo-password-123`. */
  readonly password?: string
  /** Pause between one user's requests (ms). Default 20. */
  readonly pauseMs?: number
  /** Stops early. */
  readonly signal?: AbortSignal
}

/** What {@link runTraffic} did: requests per status code, and per scenario. */
export interface TrafficReport {
  readonly requests: number
  readonly byStatus: Record<string, number>
  readonly byScenario: Record<string, number>
}

interface Session {
  readonly tenant: string
  accessToken: string
  refreshToken: string
  userIds: string[]
}

/**
 * Runs the traffic mix until `durationMs` has passed (or `signal` aborts) and reports what was sent. Never
 * throws on HTTP errors (they are the point); network errors are counted as status `error`.
 *
 * @example
 * const report = await runTraffic({ baseUrl: 'http://127.0.0.1:8000', durationMs: 10_000 })
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const tenants = options.tenants ?? ['acme', 'globex']
  const password = options.password ?? 'demo-password-123'
  const pauseMs = options.pauseMs ?? 20
  const byStatus: Record<string, number> = {}
  const byScenario: Record<string, number> = {}
  let requests = 0
  const deadline = Date.now() + options.durationMs

  const call = async (
    method: string,
    path: string,
    init: { tenant?: string; token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: unknown }> => {
    requests++
    try {
      const res = await fetch(`${options.baseUrl}${path}`, {
        method,
        headers: {
          ...(init.tenant === undefined ? {} : { 'x-tenant-id': init.tenant }),
          ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          'user-agent': 'lookout-demo-traffic/1',
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(10_000),
      })
      const text = await res.text()
      byStatus[res.status] = (byStatus[res.status] ?? 0) + 1
      let body: unknown
      try {
        body = text === '' ? undefined : JSON.parse(text)
      } catch {
        body = text
      }
      return { status: res.status, body }
    } catch {
      byStatus.error = (byStatus.error ?? 0) + 1
      return { status: 0, body: undefined }
    }
  }

  const login = async (tenant: string, email: string, pw: string) =>
    call('POST', '/auth/login', { tenant, body: { email, password: pw } })

  // Set-up: one admin session per tenant, and a few accounts that the lockout scenario may lock.
  const sessions: Session[] = []
  const victims: { tenant: string; email: string }[] = []
  for (const tenant of tenants) {
    const r = await login(tenant, `admin@${tenant}.example`, password)
    const tokens = r.body as { accessToken?: string; refreshToken?: string } | undefined
    if (r.status !== 200 || tokens?.accessToken === undefined || tokens.refreshToken === undefined) continue
    const session: Session = {
      tenant,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      userIds: [],
    }
    sessions.push(session)
    for (let i = 0; i < 3; i++) {
      const email = `victim-${randomUUID().slice(0, 8)}@${tenant}.example`
      const created = await call('POST', '/users', {
        tenant,
        token: session.accessToken,
        body: { email, password: `victim-password-${i}-long`, role: 'member' },
      })
      if (created.status === 201) {
        victims.push({ tenant, email })
        session.userIds.push((created.body as { id: string }).id)
      }
    }
  }

  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!
  const scenarios: [string, number, () => Promise<void>][] = [
    [
      'login_success',
      20,
      async () => {
        const tenant = pick(tenants)
        const r = await login(tenant, `admin@${tenant}.example`, password)
        const s = sessions.find((x) => x.tenant === tenant)
        const tokens = r.body as { accessToken?: string; refreshToken?: string } | undefined
        if (s && r.status === 200 && tokens?.accessToken && tokens.refreshToken) {
          s.accessToken = tokens.accessToken
          s.refreshToken = tokens.refreshToken
        }
      },
    ],
    [
      'login_failure',
      8,
      async () => {
        const tenant = pick(tenants)
        await login(tenant, `nobody-${Math.floor(Math.random() * 50)}@${tenant}.example`, 'wrong-password')
      },
    ],
    [
      'lockout',
      2,
      async () => {
        if (victims.length === 0) return
        const v = pick(victims)
        // Six wrong passwords in a row lock the account (the demo locks after five).
        for (let i = 0; i < 6; i++) await login(v.tenant, v.email, 'not-the-password')
      },
    ],
    [
      'read_users',
      20,
      async () => {
        if (sessions.length === 0) return
        const s = pick(sessions)
        await call('GET', '/users', { tenant: s.tenant, token: s.accessToken })
        if (s.userIds.length > 0)
          await call('GET', `/users/${pick(s.userIds)}`, { tenant: s.tenant, token: s.accessToken })
      },
    ],
    [
      'refresh',
      5,
      async () => {
        if (sessions.length === 0) return
        const s = pick(sessions)
        const r = await call('POST', '/auth/refresh', { body: { refreshToken: s.refreshToken } })
        const tokens = r.body as { accessToken?: string; refreshToken?: string } | undefined
        if (r.status === 200 && tokens?.accessToken && tokens.refreshToken) {
          s.accessToken = tokens.accessToken
          s.refreshToken = tokens.refreshToken
        }
      },
    ],
    [
      'logout',
      2,
      async () => {
        const tenant = pick(tenants)
        const r = await login(tenant, `admin@${tenant}.example`, password)
        const tokens = r.body as { refreshToken?: string } | undefined
        if (r.status === 200 && tokens?.refreshToken)
          await call('POST', '/auth/logout', { body: { refreshToken: tokens.refreshToken } })
      },
    ],
    [
      'refresh_wrong_tenant',
      1,
      async () => {
        const tenant = pick(tenants)
        const other = tenants.find((t) => t !== tenant)
        const r = await login(tenant, `admin@${tenant}.example`, password)
        const tokens = r.body as { refreshToken?: string } | undefined
        // A refresh token presented for another tenant: the session's binding fails and it is revoked.
        if (r.status === 200 && tokens?.refreshToken && other !== undefined)
          await call('POST', '/auth/refresh', { tenant: other, body: { refreshToken: tokens.refreshToken } })
      },
    ],
    [
      'invalid_token',
      4,
      async () => {
        await call('GET', '/users', { tenant: pick(tenants), token: 'not.a.valid-token' })
      },
    ],
    [
      'risk_score',
      25,
      async () => {
        await call('GET', '/risk/score', { tenant: pick(tenants) })
      },
    ],
    [
      'not_found',
      3,
      async () => {
        await call('GET', `/no-such-page/${Math.floor(Math.random() * 1000)}`, { tenant: pick(tenants) })
      },
    ],
    [
      'invalid_body',
      3,
      async () => {
        await call('POST', '/auth/login', { tenant: pick(tenants), body: { email: 'not-an-email' } })
      },
    ],
  ]
  const totalWeight = scenarios.reduce((n, [, w]) => n + w, 0)
  const choose = () => {
    let roll = Math.random() * totalWeight
    for (const s of scenarios) {
      roll -= s[1]
      if (roll < 0) return s
    }
    return scenarios[0]!
  }

  const worker = async () => {
    while (Date.now() < deadline && options.signal?.aborted !== true) {
      const [name, , run] = choose()
      byScenario[name] = (byScenario[name] ?? 0) + 1
      await run()
      if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs))
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker))
  return { requests, byStatus, byScenario }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const baseUrl = process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8000}`
  const durationMs = Number(process.env.DURATION_MS ?? 60_000)
  const controller = new AbortController()
  process.once('SIGINT', () => controller.abort())
  process.stdout.write(
    `driving traffic against ${baseUrl} for ${Math.round(durationMs / 1000)} s (Ctrl-C stops)…\n`,
  )
  const report = await runTraffic({
    baseUrl,
    durationMs,
    concurrency: Number(process.env.CONCURRENCY ?? 4),
    password: process.env.DEMO_ADMIN_PASSWORD,
    signal: controller.signal,
  })
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`)
  if (report.requests > 0 && report.byStatus.error === report.requests) {
    process.stderr.write(`no request reached ${baseUrl}: is the demo running (npm start)?\n`)
    process.exitCode = 1
  }
}
