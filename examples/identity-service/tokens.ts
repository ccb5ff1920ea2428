import { randomUUID } from 'node:crypto'
import { jwtVerify, SignJWT } from 'jose'

/** Claims carried by an access token. */
export interface AccessClaims {
  readonly sub: string
  readonly tenant: string
  readonly role: 'admin' | 'member'
}

/**
 * HS256 access tokens (15 min) and opaque-id refresh tokens (7 days) for the demo.
 *
 * @example
 * const tokens = createTokenService(secretBytes)
 * const access = await tokens.issueAccess({ sub: 'u1', tenant: 'acme', role: 'admin' })
 */
export function createTokenService(secret: Uint8Array) {
  return {
    async issueAccess(claims: AccessClaims): Promise<string> {
      return new SignJWT({ tenant: claims.tenant, role: claims.role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuedAt()
        .setExpirationTime('15m')
        .setIssuer('identity-service')
        .sign(secret)
    },
    async verifyAccess(token: string): Promise<AccessClaims> {
      const { payload } = await jwtVerify(token, secret, {
        issuer: 'identity-service',
        algorithms: ['HS256'],
      })
      const role = payload.role === 'admin' ? 'admin' : 'member'
      return { sub: String(payload.sub), tenant: String(payload.tenant), role }
    },
    newRefreshId(): string {
      return randomUUID()
    },
  }
}

export type TokenService = ReturnType<typeof createTokenService>
