import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { freePort, requireBinary, startProcess, waitFor, waitForReady } from './binaries.ts'

/** A throw-away Prometheus server on loopback. */
export interface PrometheusHandle {
  readonly url: string
  readonly dir: string
  /** Instant query through the HTTP API; returns `data.result`. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>
  /** Waits until `expr` returns at least one sample satisfying `ok` (default: any). */
  waitForQuery(expr: string, ok?: (v: number) => boolean, timeoutMs?: number): Promise<number>
  stop(): Promise<void>
}

/**
 * Starts the real `prometheus` binary with the given YAML config text (and optional extra files written next to
 * it, e.g. rule files), on a free port, with a temp TSDB. Skips locally when missing; fails under CI.
 *
 * @example
 * const prom = await startPrometheus(t, `global: {scrape_interval: 1s}\nscrape_configs: [...]`)
 * if (!prom) return
 * t.after(() => prom.stop())
 */
export async function startPrometheus(
  t: TestContext,
  configYaml: string,
  files: Readonly<Record<string, string>> = {},
  extraArgs: readonly string[] = [],
): Promise<PrometheusHandle | undefined> {
  const bin = requireBinary(t, 'prometheus')
  if (!bin) return undefined
  const dir = mkdtempSync(join(tmpdir(), 'lookout-prom-'))
  writeFileSync(join(dir, 'prometheus.yml'), configYaml)
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  const port = await freePort()
  const proc = startProcess(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      ...extraArgs,
    ],
    { cwd: dir },
  )
  const url = `http://127.0.0.1:${port}`
  await waitForReady('prometheus', url, proc)
  const query = async (expr: string) => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, {
      signal: AbortSignal.timeout(15_000),
    })
    const body = (await res.json()) as {
      status: string
      error?: string
      data: { result: { metric: Record<string, string>; value: [number, string] }[] }
    }
    if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`)
    return body.data.result
  }
  return {
    url,
    dir,
    query,
    async waitForQuery(expr, ok = () => true, timeoutMs = 30_000) {
      let last = Number.NaN
      await waitFor(
        `PromQL ${expr}`,
        async () => {
          const r = await query(expr)
          if (r.length === 0) return false
          last = Number(r[0]!.value[1])
          return ok(last)
        },
        timeoutMs,
        250,
      )
      return last
    },
    async stop() {
      await proc.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
