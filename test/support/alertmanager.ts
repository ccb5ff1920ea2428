import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { findBinary, freePort, IN_CI, startProcess, waitForReady } from './binaries.ts'

/** A throw-away Alertmanager on loopback. */
export interface AlertmanagerHandle {
  readonly url: string
  stop(): Promise<void>
}

/** Debian names the binary `prometheus-alertmanager`; upstream names it `alertmanager`. */
export function alertmanagerBinary(): string | undefined {
  return findBinary('prometheus-alertmanager') ?? findBinary('alertmanager')
}

/**
 * Starts the real Alertmanager with the given YAML config on a free port (clustering off). Skips locally when
 * missing; fails under CI.
 *
 * @example
 * const am = await startAlertmanager(t, yamlText); if (!am) return
 */
export async function startAlertmanager(
  t: TestContext,
  configYaml: string,
): Promise<AlertmanagerHandle | undefined> {
  const bin = alertmanagerBinary()
  if (!bin) {
    if (IN_CI)
      throw new Error('alertmanager is required under CI=true (apt-get install prometheus-alertmanager)')
    t.skip('alertmanager not installed')
    return undefined
  }
  const dir = mkdtempSync(join(tmpdir(), 'lookout-am-'))
  writeFileSync(join(dir, 'alertmanager.yml'), configYaml)
  const port = await freePort()
  const proc = startProcess(bin, [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ])
  const url = `http://127.0.0.1:${port}`
  await waitForReady('alertmanager', url, proc)
  return {
    url,
    async stop() {
      await proc.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
