import { createHash } from 'node:crypto'
import type { OpsRoute } from '../http/opsRoute.ts'
import { CONSOLE_SCRIPT, CONSOLE_STYLE } from './consoleAssets.generated.ts'
import { CONSOLE_ROUTES } from './conventions.ts'

/** Options of {@link createConsolePageRoutes}. */
export interface ConsolePageOptions {
  /** The instance's route prefix (`http.routePrefix`), prepended to the API paths the page calls. */
  readonly prefix: string
}

/** The page loads its own script and stylesheet only: no inline code, no other origin. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

const etag = (text: string) => `"${createHash('sha256').update(text).digest('base64url').slice(0, 22)}"`

/**
 * The console page and its two bundled assets (script with uPlot, stylesheet), served by Lookout itself under a
 * strict Content-Security-Policy. The page holds no data: it asks for an operator key, keeps it in
 * sessionStorage and sends it as `Authorization: Bearer` to the JSON APIs.
 *
 * @example
 * for (const route of createConsolePageRoutes({ prefix: '' })) host.addRoute(route)
 */
export function createConsolePageRoutes(options: ConsolePageOptions): OpsRoute[] {
  const p = options.prefix
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="lookout-prefix" content="${p.replace(/[^A-Za-z0-9/_.~-]/g, '')}">
<title>Lookout Console</title>
<link rel="stylesheet" href="${p}${CONSOLE_ROUTES.style}">
<script defer src="${p}${CONSOLE_ROUTES.script}"></script>
</head>
<body><noscript>The Lookout Console needs JavaScript.</noscript><div id="app"></div></body>
</html>
`
  const headers = {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  }
  const asset = (path: string, type: string, body: string, description: string): OpsRoute => {
    const tag = etag(body)
    return {
      method: 'GET',
      path,
      scope: { kind: 'public' },
      description,
      handler: (req) =>
        req.headers['if-none-match'] === tag
          ? { status: 304, headers: { etag: tag } }
          : {
              status: 200,
              headers: { ...headers, 'content-type': type, 'cache-control': 'no-cache', etag: tag },
              body,
            },
    }
  }
  return [
    {
      method: 'GET',
      path: CONSOLE_ROUTES.page,
      scope: { kind: 'public', guard: 'the page holds no data; its APIs need an operator key' },
      description: 'Console page (traces, logs, metrics, SLOs, alerts, health)',
      handler: () => ({
        status: 200,
        headers: { ...headers, 'content-type': 'text/html; charset=utf-8' },
        body: html,
      }),
    },
    asset(
      CONSOLE_ROUTES.script,
      'text/javascript; charset=utf-8',
      CONSOLE_SCRIPT,
      'Console script (bundled with uPlot)',
    ),
    asset(CONSOLE_ROUTES.style, 'text/css; charset=utf-8', CONSOLE_STYLE, 'Console stylesheet'),
  ]
}
