/** A request log line as the request-log observer builds it (plus mixin context fields). */
export function typicalLine(): Record<string, unknown> {
  return {
    event: 'request',
    request_id: '6f1c2a9e-3b7d-4d2a-9f0e-1c2b3a4d5e6f',
    tenant_id: 'acme',
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    method: 'GET',
    route: '/users/:id',
    path: '/users/42?include=roles&page=2',
    status: 200,
    duration_ms: 12.345,
    request_bytes: 0,
    response_bytes: 512,
    client_ip: '203.0.113.9',
    user_agent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  }
}
