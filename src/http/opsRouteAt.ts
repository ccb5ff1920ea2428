import type { MountedOpsRoute } from './opsDispatcher.ts'

/**
 * The ops route an app route would collide with: same method (an app `GET` also answers `HEAD`, and the reverse)
 * and the same path template, parameter names aside (`/a/:id` and `/a/:name` are one route). `undefined` when
 * none does.
 *
 * @example
 * const taken = opsRouteAt(lookout.routes, 'GET', '/health')
 * if (taken) throw routeCollisionError('GET', taken.route.path, '/health')
 */
export function opsRouteAt(
  routes: readonly MountedOpsRoute[],
  method: string,
  template: string,
): MountedOpsRoute | undefined {
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase()
  const shape = templateShape(template)
  return routes.find((r) => r.route.method === m && templateShape(r.route.path) === shape)
}

/** A template with parameter names dropped and a trailing slash ignored. */
function templateShape(template: string): string {
  const trimmed = template.length > 1 && template.endsWith('/') ? template.slice(0, -1) : template
  return trimmed.replace(/\/:[^/]+/g, '/:')
}
