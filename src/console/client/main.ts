// The Lookout Console page: vanilla DOM (every value from the APIs goes through textContent), charts with uPlot.
import uPlot from 'uplot'

type Json = Record<string, unknown>

const prefix = document.querySelector<HTMLMetaElement>('meta[name="lookout-prefix"]')?.content ?? ''
const api = (path: string) => `${prefix}/observability/console/api${path}`
const KEY = 'lookout-console-key'

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<Record<string, string>> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(props)) if (v !== undefined) el.setAttribute(k, v)
  for (const c of children)
    if (c !== null && c !== undefined) el.append(typeof c === 'string' ? document.createTextNode(c) : c)
  return el
}

const key = () => sessionStorage.getItem(KEY) ?? ''

async function get(url: string): Promise<Json> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key()}` }, cache: 'no-store' })
  const body = (await res.json().catch(() => ({}))) as Json
  if (!res.ok) {
    const err = (body.error as Json | undefined)?.message
    throw new Error(`${res.status}: ${typeof err === 'string' ? err : res.statusText}`)
  }
  return body
}

const fmtMs = (ms: number) =>
  ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`
const fmtTime = (ms: number) => new Date(ms).toLocaleTimeString()

// ── layout ──
const app = document.getElementById('app')!
const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' })
const keyInput = h('input', { type: 'password', id: 'key', autocomplete: 'off', placeholder: 'operator key' })
const keyForm = h(
  'form',
  { class: 'key' },
  h('label', { for: 'key' }, 'Operator key '),
  keyInput,
  h('button', { type: 'submit' }, 'Use key'),
)
const tabs = ['traces', 'logs', 'metrics', 'slos'] as const
type Tab = (typeof tabs)[number]
const tabNames: Record<Tab, string> = {
  traces: 'Traces',
  logs: 'Logs',
  metrics: 'Metrics',
  slos: 'SLOs, alerts & health',
}
const tabList = h('nav', { class: 'tabs', role: 'tablist', 'aria-label': 'Console views' })
const panels = {} as Record<Tab, HTMLElement>
for (const t of tabs) {
  const b = h(
    'button',
    { role: 'tab', id: `tab-${t}`, 'aria-controls': `panel-${t}`, 'aria-selected': 'false', type: 'button' },
    tabNames[t],
  )
  b.addEventListener('click', () => show(t))
  tabList.append(b)
  panels[t] = h('section', { id: `panel-${t}`, role: 'tabpanel', 'aria-labelledby': `tab-${t}`, hidden: '' })
}
app.append(
  h('header', {}, h('h1', {}, 'Lookout Console'), keyForm, tabList),
  status,
  ...tabs.map((t) => panels[t]),
)

keyForm.addEventListener('submit', (e) => {
  e.preventDefault()
  sessionStorage.setItem(KEY, keyInput.value.trim())
  keyInput.value = ''
  refresh()
})

let current: Tab = 'traces'
function show(t: Tab) {
  current = t
  for (const x of tabs) {
    panels[x].hidden = x !== t
    document.getElementById(`tab-${x}`)?.setAttribute('aria-selected', String(x === t))
  }
  if (t !== 'logs') stopTail()
  refresh()
}
function refresh() {
  status.textContent = key() === '' ? 'Enter an operator key to load data.' : ''
  if (key() === '') return
  const run = { traces: loadTraces, logs: loadLogs, metrics: loadMetrics, slos: loadSlos }[current]
  run().catch((err: Error) => {
    status.textContent = `Could not load: ${err.message}`
  })
}

function field(panel: string, name: string, label: string, attrs: Partial<Record<string, string>> = {}) {
  const input = h('input', { id: `f-${panel}-${name}`, name, ...attrs })
  return { input, el: h('label', { class: 'field' }, `${label} `, input) }
}
function filterForm(fields: ReturnType<typeof field>[], onSubmit: () => void, extra: Node[] = []) {
  const form = h(
    'form',
    { class: 'filters' },
    ...fields.map((f) => f.el),
    ...extra,
    h('button', { type: 'submit' }, 'Apply'),
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    onSubmit()
  })
  return form
}
function query(fields: ReturnType<typeof field>[], base: Record<string, string> = {}) {
  const q = new URLSearchParams(base)
  for (const f of fields) if (f.input.value.trim() !== '') q.set(f.input.name, f.input.value.trim())
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}

// ── traces ──
const tf = [
  field('t', 'route', 'Route'),
  field('t', 'status', 'Status', { inputmode: 'numeric', size: '4' }),
  field('t', 'minDurationMs', 'Min ms', { inputmode: 'numeric', size: '5' }),
  field('t', 'tenant', 'Tenant'),
  field('t', 'traceId', 'Trace id', { size: '34' }),
  field('t', 'requestId', 'Request id'),
]
const traceTable = h('tbody')
const waterfall = h('div', { class: 'waterfall', 'aria-live': 'polite' })
panels.traces.append(
  filterForm(tf, () => void loadTraces().catch(fail)),
  h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'list' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Time', 'Request', 'Status', 'Duration', 'Spans', 'Tenant', 'Trace'].map((c) =>
            h('th', { scope: 'col' }, c),
          ),
        ),
      ),
      traceTable,
    ),
  ),
  waterfall,
)
const fail = (err: Error) => {
  status.textContent = `Could not load: ${err.message}`
}

async function loadTraces() {
  const body = await get(api(`/traces${query(tf)}`))
  const list = body.traces as Json[]
  traceTable.replaceChildren(
    ...list.map((t) => {
      const open = h('button', { type: 'button', class: 'link mono' }, String(t.traceId).slice(0, 16))
      open.addEventListener('click', () => void openTrace(String(t.traceId)))
      const st = t.status === undefined ? '—' : String(t.status)
      return h(
        'tr',
        { class: t.error ? 'err' : '' },
        h('td', {}, fmtTime(Number(t.startMs))),
        h('td', {}, `${t.method ?? ''} ${t.route ?? t.name}`),
        h('td', {}, st),
        h('td', { class: 'num' }, fmtMs(Number(t.durationMs))),
        h('td', { class: 'num' }, String(t.spans)),
        h('td', {}, String(t.tenant ?? '')),
        h('td', {}, open),
      )
    }),
  )
  if (list.length === 0)
    traceTable.append(h('tr', {}, h('td', { colspan: '7', class: 'empty' }, 'No traces match.')))
}

async function openTrace(id: string) {
  if (current !== 'traces') show('traces')
  const t = await get(api(`/traces/${id}`))
  const spans = t.spans as Json[]
  const start = Math.min(...spans.map((s) => Number(s.startMs)))
  const end = Math.max(...spans.map((s) => Number(s.startMs) + Number(s.durationMs)))
  const total = Math.max(end - start, 0.001)
  const depth = new Map<string, number>()
  for (const s of spans)
    depth.set(
      String(s.spanId),
      s.parentSpanId === undefined ? 0 : (depth.get(String(s.parentSpanId)) ?? 0) + 1,
    )
  const detail = h('div', { class: 'detail' })
  const rows = spans.map((s) => {
    const bar = h('span', { class: `bar${s.status === 2 ? ' err' : ''}` })
    bar.style.marginLeft = `${((Number(s.startMs) - start) / total) * 100}%`
    bar.style.width = `${Math.max((Number(s.durationMs) / total) * 100, 0.5)}%`
    const name = h('span', { class: 'name' }, String(s.name))
    name.style.paddingLeft = `${(depth.get(String(s.spanId)) ?? 0) * 0.9}rem`
    const row = h(
      'button',
      { type: 'button', class: 'span', 'data-span': String(s.name) },
      name,
      h('span', { class: 'track' }, bar),
      h('span', { class: 'num' }, fmtMs(Number(s.durationMs))),
    )
    row.addEventListener('click', () => showSpan(detail, s))
    return row
  })
  const logsLink = h('button', { type: 'button', class: 'link' }, 'Logs of this trace')
  logsLink.addEventListener('click', () => {
    lf[3]!.input.value = id
    show('logs')
  })
  waterfall.replaceChildren(
    h('h2', {}, `Trace ${id}`),
    logsLink,
    h('div', { class: 'spans' }, ...rows),
    detail,
  )
  if (spans[0] !== undefined) showSpan(detail, spans[0])
}

function showSpan(detail: HTMLElement, s: Json) {
  const attrs = Object.entries(s.attributes as Json)
  const events = s.events as Json[]
  detail.replaceChildren(
    h('h3', {}, String(s.name)),
    h(
      'table',
      { class: 'attrs' },
      h(
        'tbody',
        {},
        ...attrs.map(([k, v]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, k),
            h('td', { class: 'mono' }, typeof v === 'string' ? v : JSON.stringify(v)),
          ),
        ),
      ),
    ),
    ...events.map((e) =>
      h(
        'div',
        { class: 'event' },
        h('strong', {}, String(e.name)),
        h('pre', {}, JSON.stringify(e.attributes, null, 2)),
      ),
    ),
  )
}

// ── logs ──
const level = h(
  'select',
  { id: 'f-level', name: 'level' },
  ...['', 'debug', 'info', 'warn', 'error'].map((l) => h('option', { value: l }, l === '' ? 'any' : l)),
)
const lf = [
  field('l', 'route', 'Route'),
  field('l', 'tenant', 'Tenant'),
  field('l', 'requestId', 'Request id'),
  field('l', 'traceId', 'Trace id', { size: '34' }),
  field('l', 'text', 'Text'),
]
const live = h('input', { type: 'checkbox', id: 'f-live' })
const logList = h('ol', { class: 'logs', 'aria-live': 'off' })
panels.logs.append(
  filterForm(lf, () => void loadLogs().catch(fail), [
    h('label', { class: 'field' }, 'Level ', level),
    h('label', { class: 'field' }, live, ' Live tail'),
  ]),
  logList,
)
live.addEventListener('change', () => void loadLogs().catch(fail))

function logRow(l: Json): HTMLElement {
  const f = l.fields as Json
  const traceId = typeof f.trace_id === 'string' ? f.trace_id : undefined
  const link =
    traceId === undefined ? null : h('button', { type: 'button', class: 'link mono' }, traceId.slice(0, 16))
  link?.addEventListener('click', () => void openTrace(traceId!).catch(fail))
  const rest = { ...f }
  for (const k of ['level', 'time', 'msg', 'service', 'version', 'environment', 'hostname', 'pid'])
    delete rest[k]
  return h(
    'li',
    { class: `lv-${l.level}` },
    h('span', { class: 'mono' }, String(l.time ?? '').slice(11, 23)),
    h('span', { class: 'lv' }, String(l.level ?? '')),
    h('span', { class: 'msg' }, String(f.msg ?? '')),
    link,
    h('code', {}, JSON.stringify(rest)),
  )
}

let tail: AbortController | undefined
function stopTail() {
  tail?.abort()
  tail = undefined
}
async function loadLogs() {
  stopTail()
  const base: Record<string, string> = level.value === '' ? {} : { level: level.value }
  const body = await get(api(`/logs${query(lf, { ...base, limit: '300' })}`))
  const lines = body.lines as Json[]
  logList.replaceChildren(...lines.map(logRow).reverse())
  if (!live.checked) return
  const last = lines.length === 0 ? undefined : String(lines[lines.length - 1]!.seq)
  const ctl = new AbortController()
  tail = ctl
  const res = await fetch(
    api(`/logs/tail${query(lf, last === undefined ? base : { ...base, after: last })}`),
    { headers: { authorization: `Bearer ${key()}` }, signal: ctl.signal },
  )
  if (!res.ok || res.body === null) throw new Error(`live tail: ${res.status}`)
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  let buf = ''
  for (;;) {
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
    if (done) return
    buf += value
    let i = buf.indexOf('\n\n')
    while (i !== -1) {
      const data = buf
        .slice(0, i)
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n')
      buf = buf.slice(i + 2)
      if (data !== '') {
        logList.prepend(logRow(JSON.parse(data) as Json))
        while (logList.childElementCount > 1000) logList.lastElementChild?.remove()
      }
      i = buf.indexOf('\n\n')
    }
  }
}

// ── metrics ──
const resolution = h(
  'select',
  { id: 'f-resolution', name: 'resolution' },
  h('option', { value: 'minute' }, 'last hour, per minute'),
  h('option', { value: 'fine' }, 'last minutes, fine'),
)
const mf = [field('m', 'route', 'Route')]
const charts = h('div', { class: 'charts' })
panels.metrics.append(
  filterForm(mf, () => void loadMetrics().catch(fail), [
    h('label', { class: 'field' }, 'Window ', resolution),
  ]),
  charts,
)
const plots: uPlot[] = []

async function loadMetrics() {
  const body = await get(api(`/metrics${query(mf, { resolution: resolution.value })}`))
  const step = Number(body.stepSeconds) || 60
  const windowPoints = resolution.value === 'fine' ? 30 : 60
  const series = (body.series as Json[]).filter((s) => (s.points as Json[]).some((p) => Number(p.rate) > 0))
  for (const p of plots.splice(0)) p.destroy()
  charts.replaceChildren()
  if (series.length === 0) charts.append(h('p', { class: 'empty' }, 'No requests in this window yet.'))
  const width = Math.max(Math.min(((charts.clientWidth || 900) - 64) / 3, 420), 260)
  for (const s of series.slice(0, 12)) {
    const pts = s.points as Json[]
    const xs = pts.map((p) => Number(p.t) / 1000)
    // The whole window, not just the points so far (one point would otherwise span years).
    const to = (xs.at(-1) ?? Date.now() / 1000) + step
    const from = to - step * (windowPoints + 1)
    const title = `${s.method} ${s.route}${s.tenant ? ` (${s.tenant})` : ''}`
    const box = h('figure', { class: 'chart', 'data-route': String(s.route) }, h('figcaption', {}, title))
    charts.append(box)
    const mk = (label: string, ys: (number | null)[], color: string, unit: string) =>
      plots.push(
        new uPlot(
          {
            width,
            height: 140,
            title: label,
            scales: { x: { time: true, range: () => [from, to] } },
            series: [{}, { label: `${label} ${unit}`, stroke: color, width: 2, spanGaps: true }],
            axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor' }],
            legend: { live: false },
          },
          [xs, ys],
          box,
        ),
      )
    mk(
      'Requests',
      pts.map((p) => Number(p.rate)),
      '#2f81f7',
      '/s',
    )
    mk(
      '5xx',
      pts.map((p) => Number(p.errors)),
      '#e5534b',
      '/s',
    )
    mk(
      'p95 latency',
      pts.map((p) => (p.p95 === null ? null : Number(p.p95) * 1000)),
      '#c69026',
      'ms',
    )
  }
}

// ── SLOs, alerts, incidents, health (the existing operator APIs) ──
const sf = [field('s', 'tenant', 'Tenant', { value: 'default' })]
const sloOut = h('div', { class: 'ops' })
panels.slos.append(
  filterForm(sf, () => void loadSlos().catch(fail)),
  sloOut,
)

function table(rows: Json[]): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, 'None.')
  const cols = [...new Set(rows.slice(0, 20).flatMap((r) => Object.keys(r)))].slice(0, 9)
  const cell = (v: unknown) =>
    v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => h('tr', {}, ...cols.map((c) => h('td', {}, cell(r[c])))))),
    ),
  )
}
/** The first array in a response body (each ops API names its list differently). */
const firstArray = (b: Json): Json[] => {
  for (const v of Object.values(b)) if (Array.isArray(v)) return v as Json[]
  return []
}
/** `/health/detailed` lists checks as `{ "name:measurement": [entries] }` (the IETF health-check format). */
const healthRows = (b: Json): Json[] =>
  Object.entries((b.checks ?? {}) as Record<string, Json[]>).flatMap(([check, entries]) =>
    entries.map((e) => ({ check, ...e })),
  )
async function section(
  title: string,
  url: string,
  rows: (b: Json) => Json[] = firstArray,
): Promise<HTMLElement> {
  try {
    return h('section', {}, h('h2', {}, title), table(rows(await get(url))))
  } catch (err) {
    return h('section', {}, h('h2', {}, title), h('p', { class: 'empty' }, (err as Error).message))
  }
}
async function loadSlos() {
  const tenant = encodeURIComponent(sf[0]!.input.value.trim() || 'default')
  const parts = await Promise.all([
    section('SLOs', `${prefix}/observability/slo/status/${tenant}`),
    section('Alerts', `${prefix}/observability/alerts/history/${tenant}`),
    section('Incidents', `${prefix}/observability/status/incidents`),
    section('Health checks', `${prefix}/health/detailed`, healthRows),
  ])
  sloOut.replaceChildren(...parts)
}

show('traces')
setInterval(() => {
  if (current !== 'logs' && document.visibilityState === 'visible') refresh()
}, 10_000)
