import type { SpanAttributeInput } from './spanHelpers.ts'

/**
 * Domain attribute presets for the span kinds identity and API services trace most (auth, user operations,
 * tokens, authz, security events, database calls). Each returns plain attributes with fixed keys; pass them to `addSpanAttributes()` / `withSpan()`, which redact every value (an email in
 * `user.email` becomes a marker, never the address).
 *
 * @example
 * lookout.tracing.addSpanAttributes(spanPresets.auth({ type: 'login', status: 'failure',
 *   failureReason: 'invalid_credentials', userId }))
 */
export const spanPresets = Object.freeze({
  /** `auth.type`, `auth.status`, `auth.failure_reason`, `user.id`, `user.email`. */
  auth(a: {
    type: string
    status?: string
    failureReason?: string
    userId?: string
    email?: string
  }): SpanAttributeInput {
    return {
      'auth.type': a.type,
      'auth.status': a.status,
      'auth.failure_reason': a.failureReason,
      'user.id': a.userId,
      'user.email': a.email,
    }
  },
  /** `user.operation.type`, `user.operation.status`, `user.actor.id`, `user.target.id`. */
  userOperation(a: {
    type: string
    status?: string
    actorId?: string
    targetId?: string
  }): SpanAttributeInput {
    return {
      'user.operation.type': a.type,
      'user.operation.status': a.status,
      'user.actor.id': a.actorId,
      'user.target.id': a.targetId,
    }
  },
  /** `token.operation.type`, `token.type`, `token.operation.status`, `user.id`. */
  token(a: { operation: string; tokenType?: string; status?: string; userId?: string }): SpanAttributeInput {
    return {
      'token.operation.type': a.operation,
      'token.type': a.tokenType,
      'token.operation.status': a.status,
      'user.id': a.userId,
    }
  },
  /** `authz.resource`, `authz.action`, `authz.granted`, `authz.required_roles`, `authz.user_roles`, `user.id`. */
  authz(a: {
    resource: string
    action: string
    granted?: boolean
    requiredRoles?: readonly string[]
    userRoles?: readonly string[]
    userId?: string
  }): SpanAttributeInput {
    return {
      'authz.resource': a.resource,
      'authz.action': a.action,
      'authz.granted': a.granted,
      'authz.required_roles': a.requiredRoles?.join(','),
      'authz.user_roles': a.userRoles?.join(','),
      'user.id': a.userId,
    }
  },
  /** `security.event.type`, `security.event.severity`, `user.id`, and `security.event.<key>` for extras. */
  securityEvent(a: {
    type: string
    severity: 'low' | 'medium' | 'high' | 'critical'
    userId?: string
    details?: Readonly<Record<string, string | number | boolean>>
  }): SpanAttributeInput {
    const out: Record<string, string | number | boolean | undefined> = {
      'security.event.type': a.type,
      'security.event.severity': a.severity,
      'user.id': a.userId,
    }
    for (const [k, v] of Object.entries(a.details ?? {})) out[`security.event.${k}`] = v
    return out
  },
  /**
   * Current OTel database names: `db.system.name`, `db.operation.name`, `db.collection.name`, `db.query.text`
   * (redacted), plus `db.operation.status`.
   */
  db(a: {
    system: string
    operation: string
    collection?: string
    statement?: string
    status?: string
  }): SpanAttributeInput {
    return {
      'db.system.name': a.system,
      'db.operation.name': a.operation,
      'db.collection.name': a.collection,
      'db.query.text': a.statement,
      'db.operation.status': a.status,
    }
  },
})
