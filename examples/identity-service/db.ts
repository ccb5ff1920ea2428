import { DatabaseSync } from 'node:sqlite'

/** A user row as the API returns it (never the password hash). */
export interface User {
  readonly id: string
  readonly tenant: string
  readonly email: string
  readonly role: 'admin' | 'member'
  readonly createdAt: string
}

/** The demo's SQLite database: users and refresh tokens, per tenant. */
export interface IdentityDb {
  findByEmail(
    tenant: string,
    email: string,
  ): (User & { passwordHash: string; failedLogins: number; lockedUntil: number }) | undefined
  findById(tenant: string, id: string): User | undefined
  list(tenant: string, limit: number): User[]
  create(user: Omit<User, 'createdAt'> & { passwordHash: string }): User
  remove(tenant: string, id: string): boolean
  recordFailedLogin(tenant: string, email: string, lockAfter: number, lockMs: number): { locked: boolean }
  resetFailedLogins(tenant: string, email: string): void
  saveRefreshToken(jti: string, userId: string, tenant: string, expiresAt: number): void
  consumeRefreshToken(jti: string): { userId: string; tenant: string } | undefined
  /** The tenant a live refresh token was issued in, without consuming it. */
  refreshTokenTenant(jti: string): string | undefined
  /** Refresh tokens not yet used, revoked or expired. */
  countRefreshTokens(): number
  ping(): boolean
  close(): void
  readonly raw: DatabaseSync
}

/**
 * Opens (and migrates) the demo database. `:memory:` for tests.
 *
 * @example
 * const db = openIdentityDb('.lookout/identity.db')
 */
export function openIdentityDb(path: string): IdentityDb {
  const db = new DatabaseSync(path)
  db.exec('PRAGMA journal_mode = WAL')
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (
      id TEXT PRIMARY KEY, tenant TEXT NOT NULL, email TEXT NOT NULL, role TEXT NOT NULL,
      password_hash TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL, UNIQUE (tenant, email));
    CREATE TABLE IF NOT EXISTS refresh_tokens (
      jti TEXT PRIMARY KEY, user_id TEXT NOT NULL, tenant TEXT NOT NULL, expires_at INTEGER NOT NULL);
  `)
  const byEmail = db.prepare(
    'SELECT id, tenant, email, role, password_hash AS passwordHash, failed_logins AS failedLogins, locked_until AS lockedUntil, created_at AS createdAt FROM users WHERE tenant = ? AND email = ?',
  )
  const byId = db.prepare(
    'SELECT id, tenant, email, role, created_at AS createdAt FROM users WHERE tenant = ? AND id = ?',
  )
  const list = db.prepare(
    'SELECT id, tenant, email, role, created_at AS createdAt FROM users WHERE tenant = ? ORDER BY created_at LIMIT ?',
  )
  const insert = db.prepare(
    'INSERT INTO users (id, tenant, email, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  )
  const del = db.prepare('DELETE FROM users WHERE tenant = ? AND id = ?')
  const fail = db.prepare(
    'UPDATE users SET failed_logins = failed_logins + 1, locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END WHERE tenant = ? AND email = ? RETURNING failed_logins AS n, locked_until AS until',
  )
  const reset = db.prepare(
    'UPDATE users SET failed_logins = 0, locked_until = 0 WHERE tenant = ? AND email = ?',
  )
  const saveToken = db.prepare(
    'INSERT INTO refresh_tokens (jti, user_id, tenant, expires_at) VALUES (?, ?, ?, ?)',
  )
  const takeToken = db.prepare(
    'DELETE FROM refresh_tokens WHERE jti = ? AND expires_at > ? RETURNING user_id AS userId, tenant',
  )
  const tokenTenant = db.prepare('SELECT tenant FROM refresh_tokens WHERE jti = ? AND expires_at > ?')
  const liveTokens = db.prepare('SELECT count(*) AS n FROM refresh_tokens WHERE expires_at > ?')
  return {
    raw: db,
    findByEmail: (tenant, email) => byEmail.get(tenant, email) as ReturnType<IdentityDb['findByEmail']>,
    findById: (tenant, id) => byId.get(tenant, id) as User | undefined,
    list: (tenant, limit) => list.all(tenant, limit) as unknown as User[],
    create(user) {
      const createdAt = new Date().toISOString()
      insert.run(user.id, user.tenant, user.email, user.role, user.passwordHash, createdAt)
      return { id: user.id, tenant: user.tenant, email: user.email, role: user.role, createdAt }
    },
    remove: (tenant, id) => Number(del.run(tenant, id).changes) > 0,
    recordFailedLogin(tenant, email, lockAfter, lockMs) {
      const row = fail.get(lockAfter, Date.now() + lockMs, tenant, email) as
        | { n: number; until: number }
        | undefined
      return { locked: row !== undefined && row.n >= lockAfter }
    },
    resetFailedLogins: (tenant, email) => {
      reset.run(tenant, email)
    },
    saveRefreshToken: (jti, userId, tenant, expiresAt) => {
      saveToken.run(jti, userId, tenant, expiresAt)
    },
    consumeRefreshToken: (jti) =>
      takeToken.get(jti, Date.now()) as { userId: string; tenant: string } | undefined,
    refreshTokenTenant: (jti) => (tokenTenant.get(jti, Date.now()) as { tenant: string } | undefined)?.tenant,
    countRefreshTokens: () => Number((liveTokens.get(Date.now()) as { n: number | bigint }).n),
    ping: () => (db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1,
    close: () => db.close(),
  }
}
