import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import type { Lookout } from 'lookout'
import { fastifyOptions, lookout as lookoutPlugin } from 'lookout/fastify'
import { z } from 'zod'
import { CircuitOpenError, createCircuitBreaker } from './circuitBreaker.ts'
import type { IdentityDb, User } from './db.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import type { AccessClaims, TokenService } from './tokens.ts'

/** What the demo app is built from. */
export interface IdentityAppOptions {
  readonly lookout: Lookout
  readonly db: IdentityDb
  readonly tokens: TokenService
  /** Failed logins before an account locks. Default 5. */
  readonly lockAfter?: number
  /** Lock duration. Default 15 min. */
  readonly lockMs?: number
  /** The simulated flaky "risk engine" behind `GET /risk/score` (a dependency behind a circuit breaker). */
  readonly riskEngine?: RiskEngineOptions
}

/** Behaviour of the simulated risk engine. */
export interface RiskEngineOptions {
  /** Share of calls that fail. Default 0.2. */
  readonly failureRate?: number
  /** Share of calls that are slow. Default 0.1. */
  readonly slowRate?: number
  /** Duration of a slow call (ms). Default 1200. */
  readonly slowMs?: number
  /** Consecutive failures that open the breaker. Default 5. */
  readonly failureThreshold?: number
  /** How long the breaker stays open (ms). Default 5000. */
  readonly openMs?: number
  /** Random source (tests pass a seeded one). Default `Math.random`. */
  readonly random?: () => number
}

const TENANT = /^[a-z0-9][a-z0-9-]{0,31}$/
const loginBody = z
  .object({ email: z.string().email().max(254), password: z.string().min(1).max(256) })
  .strict()
const refreshBody = z.object({ refreshToken: z.string().min(10).max(4096) }).strict()
const createUserBody = z
  .object({
    email: z.string().email().max(254),
    password: z.string().min(12).max(256),
    role: z.enum(['admin', 'member']).default('member'),
  })
  .strict()

type Authed = FastifyRequest & { claims?: AccessClaims }

/**
 * The demo identity API: a small multi-tenant service (tenant from `X-Tenant-Id`) with login (scrypt), JWT
 * access + refresh tokens, RBAC, and user CRUD — instrumented with Lookout's presets so every domain metric,
 * log line and span has something real behind it.
 *
 * @example
 * const app = await buildIdentityApp({ lookout, db, tokens })
 * await app.listen({ port: 8000 })
 */
export async function buildIdentityApp(options: IdentityAppOptions) {
  const { lookout, db, tokens } = options
  const lockAfter = options.lockAfter ?? 5
  const lockMs = options.lockMs ?? 15 * 60_000
  // Lookout writes one request log line per request itself, so Fastify's own per-request lines are off.
  const app = Fastify({ ...fastifyOptions(lookout), bodyLimit: 64 * 1024 })
  await app.register(lookoutPlugin, { lookout })

  // Domain operations, each wrapped once: metric + (with logging/tracing on) event line + child span.
  const findUserByEmail = lookout.instrument({ preset: 'db', operation: 'select' }, db.findByEmail)
  const findUserById = lookout.instrument({ preset: 'db', operation: 'select' }, db.findById)
  const insertUser = lookout.instrument({ preset: 'db', operation: 'insert' }, db.create)
  const deleteUser = lookout.instrument({ preset: 'db', operation: 'delete' }, db.remove)
  // One authz wrapper per (resource, action): both are labels of authz_checks_total, declared here in code.
  const authorizers = Object.fromEntries(
    (['read', 'write'] as const).map((action) => [
      action,
      lookout.instrument(
        {
          preset: 'authz',
          operation: 'check',
          labels: { resource: 'user', action },
          classify: (allowed: boolean) => (allowed ? 'allow' : 'deny'),
        },
        (claims: AccessClaims, tenant: string) =>
          claims.tenant === tenant && (action === 'read' || claims.role === 'admin'),
      ),
    ]),
  ) as Record<'read' | 'write', (claims: AccessClaims, tenant: string) => boolean>
  const authorize = (claims: AccessClaims, action: 'read' | 'write', tenant: string) =>
    authorizers[action](claims, tenant)
  const issueTokens = lookout.instrument(
    { preset: 'token', operation: 'issue', labels: { grant_type: 'password' } },
    async (user: User) => {
      const accessToken = await tokens.issueAccess({ sub: user.id, tenant: user.tenant, role: user.role })
      const refreshToken = tokens.newRefreshId()
      db.saveRefreshToken(refreshToken, user.id, user.tenant, Date.now() + 7 * 24 * 3600_000)
      lookout.activeTokens('refresh', db.countRefreshTokens())
      return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: 900 }
    },
  )

  type LoginResult =
    | { outcome: 'success'; user: User }
    | { outcome: 'failure'; reason: 'unknown_user' | 'invalid_credentials' }
    | { outcome: 'locked' }
  const login = lookout.instrument(
    {
      preset: 'auth',
      operation: 'login',
      classify: (r: LoginResult) => ({
        status: r.outcome,
        labels: { reason: r.outcome === 'failure' ? r.reason : r.outcome === 'locked' ? 'locked' : 'none' },
      }),
    },
    async (tenant: string, email: string, password: string): Promise<LoginResult> => {
      const row = findUserByEmail(tenant, email)
      if (row === undefined) {
        // Same work as a real check, so timing does not reveal which emails exist.
        await verifyPassword(
          password,
          'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
        )
        return { outcome: 'failure', reason: 'unknown_user' }
      }
      if (row.lockedUntil > Date.now()) return { outcome: 'locked' }
      if (!(await verifyPassword(password, row.passwordHash))) {
        const { locked } = db.recordFailedLogin(tenant, email, lockAfter, lockMs)
        if (locked) lookout.securityEvent('account_locked', 'high')
        return locked ? { outcome: 'locked' } : { outcome: 'failure', reason: 'invalid_credentials' }
      }
      db.resetFailedLogins(tenant, email)
      const { passwordHash: _h, failedLogins: _f, lockedUntil: _l, ...user } = row
      return { outcome: 'success', user }
    },
  )

  const tenantOf = (request: FastifyRequest, reply: FastifyReply): string | undefined => {
    const tenant = request.headers['x-tenant-id']
    if (typeof tenant !== 'string' || !TENANT.test(tenant)) {
      void reply
        .code(400)
        .send({ error: { code: 'tenant_required', message: 'X-Tenant-Id header (a-z, 0-9, -) is required' } })
      return undefined
    }
    return tenant
  }

  const requireAuth = async (request: Authed, reply: FastifyReply) => {
    const header = request.headers.authorization
    const token = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined
    if (token === undefined)
      return reply
        .code(401)
        .send({ error: { code: 'unauthorized', message: 'a bearer access token is required' } })
    try {
      request.claims = await tokens.verifyAccess(token)
    } catch {
      lookout.securityEvent('invalid_token', 'medium')
      return reply
        .code(401)
        .send({ error: { code: 'unauthorized', message: 'the access token is invalid or expired' } })
    }
  }

  const invalid = (reply: FastifyReply, error: z.ZodError) =>
    reply.code(422).send({
      error: {
        code: 'invalid_body',
        message: 'the body does not match the schema',
        details: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    })

  app.post('/auth/login', async (request, reply) => {
    const tenant = tenantOf(request, reply)
    if (tenant === undefined) return reply
    const body = loginBody.safeParse(request.body)
    if (!body.success) return invalid(reply, body.error)
    const result = await login(tenant, body.data.email, body.data.password)
    if (result.outcome !== 'success') {
      if (result.outcome === 'locked') {
        return reply
          .code(423)
          .send({ error: { code: 'account_locked', message: 'too many failed attempts; try again later' } })
      }
      lookout.securityEvent('login_failed', 'low')
      return reply
        .code(401)
        .send({ error: { code: 'invalid_credentials', message: 'email or password is wrong' } })
    }
    const issued = await issueTokens(result.user)
    // A session is a refresh-token family: it starts at login and ends at logout or on a binding failure.
    lookout.session('created')
    return issued
  })

  const refresh = lookout.instrument(
    {
      preset: 'token',
      operation: 'refresh',
      labels: { grant_type: 'refresh_token' },
      classify: (r: unknown) => (r === undefined ? 'invalid' : 'success'),
    },
    async (refreshToken: string) => {
      const entry = db.consumeRefreshToken(refreshToken)
      if (entry === undefined) return undefined
      const user = findUserById(entry.tenant, entry.userId)
      return user === undefined ? undefined : issueTokens(user)
    },
  )
  app.post('/auth/refresh', async (request, reply) => {
    const body = refreshBody.safeParse(request.body)
    if (!body.success) return invalid(reply, body.error)
    // A refresh that names a tenant must name the session's own: otherwise the session is ended as revoked.
    const claimed = request.headers['x-tenant-id']
    if (typeof claimed === 'string') {
      const owner = db.refreshTokenTenant(body.data.refreshToken)
      if (owner !== undefined && owner !== claimed) {
        db.consumeRefreshToken(body.data.refreshToken)
        lookout.activeTokens('refresh', db.countRefreshTokens())
        lookout.session('binding_failed', 'tenant_mismatch')
        lookout.session('destroyed', 'revoked')
        lookout.securityEvent('session_hijack', 'high')
        return reply.code(401).send({
          error: { code: 'invalid_refresh_token', message: 'the refresh token is invalid, used or expired' },
        })
      }
    }
    const result = await refresh(body.data.refreshToken)
    if (result === undefined) {
      lookout.securityEvent('invalid_token', 'medium')
      return reply.code(401).send({
        error: { code: 'invalid_refresh_token', message: 'the refresh token is invalid, used or expired' },
      })
    }
    return result
  })

  app.post('/auth/logout', async (request, reply) => {
    const body = refreshBody.safeParse(request.body)
    if (!body.success) return invalid(reply, body.error)
    if (db.consumeRefreshToken(body.data.refreshToken) === undefined) {
      return reply.code(401).send({
        error: { code: 'invalid_refresh_token', message: 'the refresh token is invalid, used or expired' },
      })
    }
    lookout.activeTokens('refresh', db.countRefreshTokens())
    lookout.session('destroyed', 'logout')
    return reply.code(204).send()
  })

  const readUser = lookout.instrument(
    { preset: 'user', operation: 'read', classify: (u: User | undefined) => (u ? 'success' : 'not_found') },
    (tenant: string, id: string) => findUserById(tenant, id),
  )
  app.get('/users/:id', { preHandler: requireAuth }, async (request: Authed, reply) => {
    const tenant = tenantOf(request, reply)
    if (tenant === undefined) return reply
    if (!authorize(request.claims!, 'read', tenant)) return forbid(reply)
    const user = readUser(tenant, (request.params as { id: string }).id)
    if (user === undefined)
      return reply.code(404).send({ error: { code: 'not_found', message: 'no such user' } })
    return user
  })

  app.get('/users', { preHandler: requireAuth }, async (request: Authed, reply) => {
    const tenant = tenantOf(request, reply)
    if (tenant === undefined) return reply
    if (!authorize(request.claims!, 'read', tenant)) return forbid(reply)
    return { users: db.list(tenant, 100) }
  })

  const createUser = lookout.instrument(
    { preset: 'user', operation: 'create', classify: (u: User | undefined) => (u ? 'success' : 'conflict') },
    async (tenant: string, email: string, password: string, role: 'admin' | 'member') => {
      if (findUserByEmail(tenant, email) !== undefined) return undefined
      return insertUser({ id: randomUUID(), tenant, email, role, passwordHash: await hashPassword(password) })
    },
  )
  app.post('/users', { preHandler: requireAuth }, async (request: Authed, reply) => {
    const tenant = tenantOf(request, reply)
    if (tenant === undefined) return reply
    if (!authorize(request.claims!, 'write', tenant)) return forbid(reply)
    const body = createUserBody.safeParse(request.body)
    if (!body.success) return invalid(reply, body.error)
    const user = await createUser(tenant, body.data.email, body.data.password, body.data.role)
    if (user === undefined)
      return reply.code(409).send({ error: { code: 'conflict', message: 'a user with this email exists' } })
    return reply.code(201).send(user)
  })

  const removeUser = lookout.instrument(
    { preset: 'user', operation: 'delete', classify: (ok: boolean) => (ok ? 'success' : 'not_found') },
    (tenant: string, id: string) => deleteUser(tenant, id),
  )
  app.delete('/users/:id', { preHandler: requireAuth }, async (request: Authed, reply) => {
    const tenant = tenantOf(request, reply)
    if (tenant === undefined) return reply
    if (!authorize(request.claims!, 'write', tenant)) return forbid(reply)
    if (!removeUser(tenant, (request.params as { id: string }).id)) {
      return reply.code(404).send({ error: { code: 'not_found', message: 'no such user' } })
    }
    return reply.code(204).send()
  })

  // A flaky dependency behind a circuit breaker: the breaker's state is the circuit_breaker_state gauge, every
  // call (refused ones too) is a dependency_calls_total{dependency,status} sample and a child span.
  const risk = options.riskEngine ?? {}
  const random = risk.random ?? Math.random
  const breaker = createCircuitBreaker('risk-engine', {
    failureThreshold: risk.failureThreshold ?? 5,
    openMs: risk.openMs ?? 5000,
    onState: (state) => lookout.circuitState('risk-engine', state),
  })
  // The engine can be "stopped" (POST /demo/risk-engine/stop from loopback) to watch the whole chain react:
  // health check → status page component → automatic incident, and the breaker opening.
  let engineStopped = false
  const askRiskEngine = async (): Promise<number> => {
    if (engineStopped) throw new Error('connect ECONNREFUSED (risk engine stopped)')
    const roll = random()
    const slow = random() < (risk.slowRate ?? 0.1)
    await new Promise((r) => setTimeout(r, slow ? (risk.slowMs ?? 1200) : 5 + Math.floor(random() * 25)))
    if (roll < (risk.failureRate ?? 0.2)) throw new Error('risk engine answered 503')
    return Math.round(random() * 100)
  }
  const scoreRisk = lookout.instrument(
    {
      preset: 'dependency',
      operation: 'call',
      labels: { dependency: 'risk_engine' },
      classifyError: (err) => (err instanceof CircuitOpenError ? 'circuit_open' : 'failure'),
      attributes: { 'peer.service': 'risk-engine' },
    },
    () => breaker.run(askRiskEngine),
  )
  lookout.health?.addCheck({
    name: 'risk-engine',
    componentType: 'component',
    critical: false,
    timeoutMs: 1000,
    run() {
      if (engineStopped) throw new Error('risk engine is not reachable')
    },
  })
  for (const action of ['stop', 'start'] as const) {
    app.post(`/demo/risk-engine/${action}`, async (request, reply) => {
      // A demo control, not an API: only from this machine.
      const ip = request.socket.remoteAddress ?? ''
      if (ip !== '127.0.0.1' && ip !== '::1' && ip !== '::ffff:127.0.0.1') {
        return reply
          .code(403)
          .send({ error: { code: 'forbidden', message: 'demo controls are loopback-only' } })
      }
      engineStopped = action === 'stop'
      return { riskEngine: engineStopped ? 'stopped' : 'running' }
    })
  }

  app.get('/risk/score', async (request, reply) => {
    const tenant = tenantOf(request, reply)
    if (tenant === undefined) return reply
    try {
      return { tenant, score: await scoreRisk() }
    } catch (err) {
      if (err instanceof CircuitOpenError) {
        return reply
          .code(503)
          .header('retry-after', '5')
          .send({ error: { code: 'dependency_unavailable', message: 'the risk engine is unavailable' } })
      }
      return reply.code(502).send({ error: { code: 'dependency_failed', message: 'the risk engine failed' } })
    }
  })

  return app
}

function forbid(reply: FastifyReply) {
  return reply.code(403).send({ error: { code: 'forbidden', message: 'not allowed for this token' } })
}

/**
 * Creates the demo's seed users (one admin per tenant) when missing.
 *
 * @example
 * await seedUsers(db, ['acme', 'globex'], 'demo-password-123')
 */
export async function seedUsers(db: IdentityDb, tenants: readonly string[], password: string): Promise<void> {
  for (const tenant of tenants) {
    const email = `admin@${tenant}.example`
    if (db.findByEmail(tenant, email) === undefined) {
      db.create({
        id: randomUUID(),
        tenant,
        email,
        role: 'admin',
        passwordHash: await hashPassword(password),
      })
    }
  }
}
