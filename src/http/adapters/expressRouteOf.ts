/** The part of an Express (4 or 5) router layer this module reads. */
interface LayerLike {
  readonly handle?: ((...args: never[]) => unknown) & { readonly stack?: readonly LayerLike[] }
  readonly route?: {
    readonly path?: unknown
    _handlesMethod?(method: string): boolean
    _handles_method?(method: string): boolean
  }
  /** Express 5: `{ path }` or `false`; Express 4: a boolean, the matched part then on `layer.path`. */
  match(path: string): boolean | { readonly path: string }
  readonly path?: string
}

/** An Express application or router, as far as its route table goes. */
export interface ExpressAppLike {
  /** Express 5. */
  readonly router?: { readonly stack?: readonly LayerLike[] }
  /** Express 4 (created on the first route or middleware). */
  readonly _router?: { readonly stack?: readonly LayerLike[] }
}

/** The layers of an app's router, or `[]` before it has one. */
export function expressLayers(app: ExpressAppLike): readonly LayerLike[] {
  // Read _router first: Express 5's `router` getter creates a router on an app that has none yet.
  return (app._router ?? app.router)?.stack ?? []
}

/**
 * The full template of the app route that would answer `method path` — mounted routers included
 * (`app.use('/api', router)` + `router.get('/boom')` → `/api/boom`) — or `undefined` when no route does. Walks the
 * route table, so it is for start-up checks and error paths, not for every request.
 *
 * @example
 * expressRouteOf(app, 'GET', '/api/boom') // '/api/boom'
 */
export function expressRouteOf(app: ExpressAppLike, method: string, path: string): string | undefined {
  return routeIn(expressLayers(app), method.toUpperCase(), path, 0)
}

function routeIn(
  stack: readonly LayerLike[],
  method: string,
  path: string,
  depth: number,
): string | undefined {
  if (depth > 16) return undefined
  for (const layer of stack) {
    let matched: string
    try {
      const m = layer.match(path)
      if (m === false) continue
      matched = typeof m === 'object' ? m.path : (layer.path ?? '')
    } catch {
      continue
    }
    const route = layer.route
    if (route !== undefined) {
      const handles = route._handlesMethod ?? route._handles_method
      if (typeof route.path === 'string' && handles?.call(route, method) === true) return route.path
      continue
    }
    const inner = layer.handle?.stack
    if (inner === undefined) continue
    const found = routeIn(inner, method, path.slice(matched.length) || '/', depth + 1)
    if (found !== undefined) return `${templateOf(layer, matched)}${found === '/' ? '' : found}`
  }
  return undefined
}

/** A mount point's template: its pattern when Express kept one, else the matched path. */
function templateOf(layer: LayerLike, matched: string): string {
  const pattern = (layer as { readonly rawPath?: unknown }).rawPath
  const template = typeof pattern === 'string' ? pattern : matched
  return template === '/' ? '' : template
}
