import { createHash } from 'node:crypto'
import { STATUS_PAGE_CSS, type StatusPageScriptOptions, statusPageScript } from './statusPageAssets.ts'

/** Options of {@link createStatusPage}. */
export interface StatusPageOptions extends StatusPageScriptOptions {
  readonly title: string
  readonly description?: string | undefined
}

/** The rendered page and the headers that go with it. */
export interface StatusPage {
  /**
   * The HTML: a server-rendered shell with the given JSON documents embedded as inert data (so the first paint
   * needs no round trip), the inline stylesheet and the script.
   */
  render(initial: { readonly status?: Buffer | undefined; readonly incidents?: Buffer | undefined }): string
  /** Response headers: strict CSP (hashes of the inline script and style), no sniffing, no framing. */
  readonly headers: Readonly<Record<string, string>>
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

/** Makes JSON safe inside `<script type="application/json">` (no `</script>`, no `<!--`). */
function embedJson(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`

/**
 * Builds the status page once (the script and style are fixed per configuration, so their CSP hashes are
 * computed here, not per request). The page loads nothing from elsewhere: `default-src 'none'`, the one
 * script and the one style allowed by hash, `connect-src 'self'` for the API.
 *
 * @example
 * const page = createStatusPage({ title: 'Acme status', statusUrl: '/public/status',
 *   incidentsUrl: '/public/status/incidents', refreshMs: 30_000, timeoutMs: 5000 })
 * reply.headers(page.headers).send(page.render({ status: cachedStatusJson }))
 */
export function createStatusPage(options: StatusPageOptions): StatusPage {
  const script = statusPageScript(options)
  const css = STATUS_PAGE_CSS
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(script)}`,
    `style-src ${sha256(css)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
  const title = escapeHtml(options.title)
  const description = options.description === undefined ? '' : `<p>${escapeHtml(options.description)}</p>`
  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<style>${css}</style>
</head>
<body>
<div class="wrap">
<header><h1>${title}</h1>${description}</header>
<main id="main">
<section id="overall" class="banner s-unknown" aria-labelledby="overall-h">
<h2 id="overall-h" class="vh">Current status</h2>
<p class="summary" id="summary"><span class="icon" aria-hidden="true">?</span><span>Loading the current status…</span></p>
<p class="meta">Last updated <span id="updated">—</span></p>
</section>
<div id="stale" class="stale" role="status" aria-live="polite" hidden></div>
<noscript><p>This page refreshes with JavaScript. The data is also at <a href="${escapeHtml(options.statusUrl)}">${escapeHtml(options.statusUrl)}</a> and <a href="${escapeHtml(options.incidentsUrl)}">${escapeHtml(options.incidentsUrl)}</a>.</p></noscript>
<section aria-labelledby="active-h"><h2 id="active-h">Active incidents</h2><div id="active"></div></section>
<section id="maint-section" aria-labelledby="maint-h" hidden><h2 id="maint-h">Scheduled maintenance</h2><div id="maintenance"></div></section>
<section aria-labelledby="components-h"><h2 id="components-h">Components</h2>
<ul id="components" class="components"></ul>
<ul class="legend" aria-label="Legend of the daily bars">
<li><span class="bar s-operational" aria-hidden="true"></span>Operational</li>
<li><span class="bar s-degraded" aria-hidden="true"></span>Degraded (striped)</li>
<li><span class="bar s-outage" aria-hidden="true"></span>Outage (underlined)</li>
<li><span class="bar s-maintenance" aria-hidden="true"></span>Maintenance (lined)</li>
<li><span class="bar s-nodata" aria-hidden="true"></span>No data (empty)</li>
</ul>
<p class="meta">Each bar is one day (UTC) and shows its worst status. Uptime counts degraded time as up and leaves maintenance out.</p>
</section>
<section aria-labelledby="recent-h"><h2 id="recent-h">Recent incidents</h2><div id="recent"></div></section>
</main>
<footer>Refreshes every ${Math.round(options.refreshMs / 1000)} s.</footer>
</div>
<script type="application/json" id="initial-data">`
  const tail = `</script>
<script>${script}</script>
</body>
</html>
`
  return {
    headers: Object.freeze({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': csp,
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
    }),
    render(initial) {
      const parts: string[] = []
      if (initial.status !== undefined) parts.push(`"status":${initial.status.toString('utf8')}`)
      if (initial.incidents !== undefined) parts.push(`"incidents":${initial.incidents.toString('utf8')}`)
      return head + embedJson(`{${parts.join(',')}}`) + tail
    },
  }
}
