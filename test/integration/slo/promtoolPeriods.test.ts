// promtool unit tests of the generated burn-rate rules for each period: a row's condition must not hold at the
// minute its long-window error ratio equals the threshold exactly, and must hold one minute later; the minute is
// computed here from factor = budgetFraction · period / window. The in-process comparison is checked on the same
// counts. A constant burn of exactly 1 never fires anything.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { stringify } from 'yaml'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { burnThresholds } from '../../../src/slo/burnThresholds.ts'
import { BURN_WINDOWS, SLO_ALERT_NAME } from '../../../src/slo/conventions.ts'
import { evaluateSlo } from '../../../src/slo/evaluateSlo.ts'
import { type AlertingRule, generateSloRules } from '../../../src/slo/generateSloRules.ts'
import { sloRulesToYaml } from '../../../src/slo/sloRulesToYaml.ts'
import { requireBinary, run } from '../../support/binaries.ts'

/**
 * Requests a minute for a row: preferably a rate whose exact boundary Prometheus computes a hair above the
 * threshold in floating point (rate(errors) / (rate(good) + rate(errors)) > threshold), the case where unrounded
 * rules fired a minute early.
 */
function totalPerMinute(longMinutes: number, threshold: number): number {
  const k = longMinutes / 2
  for (let total = 1000; total <= 1_000_000; total += 1000) {
    const perMinute = (total * longMinutes * threshold) / k
    if (!Number.isInteger(perMinute)) continue
    const seconds = longMinutes * 60
    const bad = (perMinute * k) / seconds
    const good = (total * longMinutes - perMinute * k) / seconds
    if (bad / (good + bad) > threshold && bad / (bad + good) > threshold) return total
  }
  return 100_000
}
const MINUTES = new Map(BURN_WINDOWS.map((w) => [w.name, w.seconds / 60]))
const PERIODS = ['1d', '2d', '7d', '28d', '30d']
const series = (status: string, values: string) => ({
  series: `http_requests_total{method="GET",route="/work",status="${status}"}`,
  values,
})

for (const period of PERIODS) {
  test(`promtool: the ${period} page rows fire one minute after their exact boundary, as in-process does`, async (t) => {
    const promtool = requireBinary(t, 'promtool')
    if (!promtool) return
    const dir = mkdtempSync(join(tmpdir(), 'lookout-slo-period-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    const slo = buildSloModel({
      slos: [{ name: 'availability', kind: 'availability', objective: 99.9, period }],
    }).defaults[0]!
    const rules = generateSloRules({ defaults: [slo], tenants: {} })
    writeFileSync(join(dir, 'rules.yaml'), sloRulesToYaml(rules))
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r)
    const page = alerts.find((a) => a.labels.severity === 'page')!
    const clauses = page.expr.split('\nor\n')

    const tests = []
    const rows = burnThresholds(slo.periodSeconds, slo.budgetPpb).filter((r) => r.pair.severity === 'page')
    for (const [i, row] of rows.entries()) {
      const long = MINUTES.get(row.pair.long)!
      const short = MINUTES.get(row.pair.short)!
      // Clean traffic for one long window, then r errors a minute: the long ratio is r·k / (total·long) after k
      // minutes, exactly the threshold at k = long / 2 (the short window is saturated well before).
      const start = long
      const k = long / 2
      const totalRate = totalPerMinute(long, row.threshold)
      const errorsPerMinute = (totalRate * long * row.threshold) / k
      const end = start + k + 5
      const badValues = `0+0x${start} ${errorsPerMinute}+${errorsPerMinute}x${end - start - 1}`
      const good = totalRate - errorsPerMinute
      const goodValues = `0+${totalRate}x${start} ${totalRate * start + good}+${good}x${end - start - 1}`
      const boundary = start + k
      const clause = clauses[i]!.trim()
      const inProcess = (minute: number) => {
        const counts = (windowMinutes: number) => {
          const from = minute - windowMinutes
          const bad = errorsPerMinute * Math.max(0, Math.min(minute, end) - Math.max(from, start))
          return { good: totalRate * windowMinutes - bad, total: totalRate * windowMinutes }
        }
        const windows = Object.fromEntries([...MINUTES].map(([name, m]) => [name, counts(m)]))
        return evaluateSlo(slo, { windows, period: counts(start + k) }).burning.some(
          (b) => b.long === row.pair.long,
        )
      }
      assert.equal(inProcess(boundary), false, `in-process fires at the ${row.pair.long} boundary`)
      assert.equal(inProcess(boundary + 1), true, `in-process is quiet after the ${row.pair.long} boundary`)
      assert.equal(inProcess(boundary - 1), false)
      assert.equal(short < k, true)
      tests.push({
        name: `${period} ${row.pair.long}&${row.pair.short} at factor ${row.factorText}`,
        interval: '1m',
        input_series: [
          // Good requests are the total minus the errors of each minute.
          series('200', goodValues),
          series('500', badValues),
        ],
        promql_expr_test: [
          { expr: clause, eval_time: `${boundary - 1}m`, exp_samples: [] },
          { expr: clause, eval_time: `${boundary}m`, exp_samples: [] },
          {
            expr: `count(${clause})`,
            eval_time: `${boundary + 1}m`,
            exp_samples: [{ labels: '{}', value: 1 }],
          },
        ],
      })
    }
    const file = join(dir, 'test.yaml')
    writeFileSync(
      file,
      stringify(
        { rule_files: ['rules.yaml'], evaluation_interval: '1m', tests },
        { aliasDuplicateObjects: false },
      ),
    )
    await run(promtool, ['test', 'rules', file], { cwd: dir })
  })
}

test('promtool: a constant burn of exactly 1 fires nothing, for every period', async (t) => {
  const promtool = requireBinary(t, 'promtool')
  if (!promtool) return
  const dir = mkdtempSync(join(tmpdir(), 'lookout-slo-period-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  for (const period of PERIODS) {
    const model = buildSloModel({
      slos: [{ name: 'availability', kind: 'availability', objective: 99.9, period }],
    })
    writeFileSync(join(dir, `rules-${period}.yaml`), sloRulesToYaml(generateSloRules(model)))
    const file = join(dir, `test-${period}.yaml`)
    writeFileSync(
      file,
      stringify({
        rule_files: [`rules-${period}.yaml`],
        evaluation_interval: '1m',
        tests: [
          {
            name: `burn 1 over ${period}`,
            interval: '1m',
            // 0.1 % errors: an error ratio equal to the budget in every window.
            input_series: [series('200', '0+99900x480'), series('500', '0+100x480')],
            alert_rule_test: ['5m', '30m', '1h', '2h', '6h', '8h'].map((at) => ({
              eval_time: at,
              alertname: SLO_ALERT_NAME,
              exp_alerts: [],
            })),
          },
        ],
      }),
    )
    await run(promtool, ['test', 'rules', file], { cwd: dir })
  }
})
