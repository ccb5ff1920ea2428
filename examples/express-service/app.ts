import express from 'express'
import type { Lookout } from 'lookout'
import { lookout as lookoutMiddleware } from 'lookout/express'

/**
 * A tiny Express variant of the demo: a product catalogue with Lookout's Express middleware — same metric
 * names, request log, spans, probes and ops endpoints as the Fastify demo.
 *
 * @example
 * const app = buildCatalogApp(createLookout({ service: 'catalog' }))
 * app.listen(8001)
 */
export function buildCatalogApp(lookout: Lookout) {
  const mw = lookoutMiddleware({ lookout })
  const app = express()
  app.set('env', process.env.NODE_ENV ?? 'development')
  app.disable('x-powered-by')
  app.use(mw) // first: before body parsers and routers
  app.use(express.json({ limit: '64kb' }))

  const products = new Map<string, { id: string; name: string; price: number }>([
    ['p1', { id: 'p1', name: 'Boules set', price: 49 }],
    ['p2', { id: 'p2', name: 'Measuring tape', price: 9 }],
  ])
  const findProduct = lookout.instrument(
    {
      name: 'catalog_lookups',
      operation: 'product',
      statuses: ['found', 'missing', 'error'],
      classify: (p: unknown) => (p ? 'found' : 'missing'),
    },
    (id: string) => products.get(id),
  )

  const api = express.Router()
  api.get('/products', (_req, res) => {
    res.json({ products: [...products.values()] })
  })
  api.get('/products/:id', (req, res) => {
    const product = findProduct(req.params.id)
    if (product === undefined) {
      res.status(404).json({ error: { code: 'not_found', message: 'no such product' } })
      return
    }
    res.json(product)
  })
  app.use('/api', api)

  app.use(mw.errors) // after the routes: thrown errors reach the request log line and the span
  return app
}
