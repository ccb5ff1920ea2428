/** The benchmark's route for node:http: `GET /users/:id` answering `{"id":"<id>"}`, as Fastify and Express do. */
export const USERS_ROUTE = '/users/:id'

/** The node:http listener of the route (404 for anything else). */
export function listener(req, res) {
  if (req.method === 'GET' && req.url.startsWith('/users/')) {
    const body = JSON.stringify({ id: req.url.slice('/users/'.length) })
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    })
    res.end(body)
    return
  }
  res.writeHead(404).end()
}

/** The listener's route template, for Lookout's `route` resolver. */
export function routeOf(req) {
  return req.url.startsWith('/users/') ? USERS_ROUTE : undefined
}
