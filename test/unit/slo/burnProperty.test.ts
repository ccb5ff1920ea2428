import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { burnThresholds } from '../../../src/slo/burnThresholds.ts'
import { BURN_WINDOWS } from '../../../src/slo/conventions.ts'
import { evaluateSlo } from '../../../src/slo/evaluateSlo.ts'

const DAY = 86_400
// A period (1 to 365 days, or a whole number of hours from 1 day) and an objective with up to 6 decimals.
const periodSeconds = fc.oneof(
  fc.integer({ min: 1, max: 365 }).map((d) => d * DAY),
  fc.integer({ min: 24, max: 24 * 40 }).map((h) => h * 3600),
)
const objective = fc.integer({ min: 1_000_000, max: 99_999_999 }).map((micro) => micro / 1e6)

test('every period gets factors ≥ 1: each generated threshold is at least the budget', () => {
  fc.assert(
    fc.property(periodSeconds, objective, (period, obj) => {
      const slo = buildSloModel({
        slos: [{ name: 'a', kind: 'availability', objective: obj, period: `${period / 3600}h` }],
      }).defaults[0]!
      const rows = burnThresholds(slo.periodSeconds, slo.budgetPpb)
      assert.ok(rows.length >= 3)
      for (const row of rows) {
        assert.ok(row.factor >= 1, `factor ${row.factor}`)
        assert.ok(row.threshold >= slo.budget, `${row.thresholdText} < ${slo.budget}`)
        assert.ok(row.budgetFraction <= 1)
      }
    }),
    { numRuns: 500 },
  )
})

test('a constant burn ≤ 1 never alerts in-process, for any period and objective', () => {
  fc.assert(
    fc.property(
      periodSeconds,
      objective,
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.integer({ min: 1, max: 5_000_000 }), {
        minLength: BURN_WINDOWS.length,
        maxLength: BURN_WINDOWS.length,
      }),
      (period, obj, burn, totals) => {
        const slo = buildSloModel({
          slos: [{ name: 'a', kind: 'availability', objective: obj, period: `${period / 3600}h` }],
        }).defaults[0]!
        // At most burn × budget of each window's requests fail (never more than the budget allows).
        const counts = (total: number) => {
          const bad = Math.min(Math.floor(burn * total * slo.budget), Math.floor(total * slo.budget))
          return { good: total - bad, total }
        }
        const windows = Object.fromEntries(BURN_WINDOWS.map((w, i) => [w.name, counts(totals[i]!)]))
        const figures = evaluateSlo(slo, { windows, period: counts(totals.at(-1)! * 10) })
        assert.deepEqual(figures.burning, [])
        assert.ok(figures.status === 'ok' || figures.status === 'exhausted', figures.status)
      },
    ),
    { numRuns: 1000 },
  )
})

test('a burn exactly at the budget (error ratio = budget) alerts nowhere, at the boundary of the 3d row', () => {
  const slo = buildSloModel({ slos: [{ name: 'a', kind: 'availability', objective: 99.9 }] }).defaults[0]!
  const windows = Object.fromEntries(BURN_WINDOWS.map((w) => [w.name, { good: 999_000, total: 1_000_000 }]))
  assert.deepEqual(evaluateSlo(slo, { windows, period: { good: 9_990_000, total: 10_000_000 } }).burning, [])
})
