import assert from 'node:assert/strict'
import { test } from 'node:test'
import { buildSloModel } from '../../../src/slo/buildSloModel.ts'
import { burnThresholds } from '../../../src/slo/burnThresholds.ts'
import { evaluateSlo } from '../../../src/slo/evaluateSlo.ts'
import {
  budgetBurnPerHour,
  budgetRemaining,
  burnRate,
  compliance,
  errorRatio,
  timeToExhaustion,
} from '../../../src/slo/sloMath.ts'
import { burningPairs, sloStatus } from '../../../src/slo/sloStatus.ts'

const DAY = 86_400
const MONTH = 30 * DAY

const ratios: [string, { good: number; total: number }, number, number][] = [
  ['one bad request in a thousand', { good: 999, total: 1000 }, 0.001, 0.999],
  ['no bad request', { good: 500, total: 500 }, 0, 1],
  ['only bad requests', { good: 0, total: 40 }, 1, 0],
  ['no traffic at all', { good: 0, total: 0 }, 0, 1],
  ['more good than total (counter resets)', { good: 11, total: 10 }, 0, 1],
  ['a 1.44 % error share', { good: 98_560, total: 100_000 }, 0.0144, 0.9856],
]
for (const [what, counts, ratio, good] of ratios) {
  test(`${what} gives error ratio ${ratio} and compliance ${good}`, () => {
    assert.equal(errorRatio(counts), ratio)
    assert.equal(compliance(counts), good)
  })
}

const burns: [string, number, number, number][] = [
  ['an error ratio equal to the budget burns at 1', 0.001, 0.001, 1],
  ['1.44 % errors against a 0.1 % budget burn at 14.4', 0.0144, 0.001, 14.4],
  ['no errors burn at 0', 0, 0.001, 0],
  ['10 % slow requests against a 5 % latency budget burn at 2', 0.1, 0.05, 2],
]
for (const [what, ratio, budget, expected] of burns) {
  test(what, () => assert.equal(burnRate(ratio, budget), expected))
}

const remaining: [string, number, number, number][] = [
  ['half the budget spent leaves 0.5', 0.0005, 0.001, 0.5],
  ['no errors leave the whole budget', 0, 0.001, 1],
  ['exactly the budget spent leaves 0', 0.001, 0.001, 0],
  ['twice the budget spent leaves −1', 0.002, 0.001, -1],
]
for (const [what, ratio, budget, expected] of remaining) {
  test(`budget remaining: ${what}`, () => assert.equal(budgetRemaining(ratio, budget), expected))
}

test('a 14.4× burn spends 2 % of a 30-day budget per hour, a 1× burn 1/720 of it', () => {
  assert.equal(budgetBurnPerHour(14.4, MONTH), 0.02)
  assert.equal(budgetBurnPerHour(1, MONTH), 0.00138888888889)
  assert.equal(budgetBurnPerHour(0, MONTH), 0)
})

const etas: [string, number, number, number | null][] = [
  ['half a budget at burn 2 lasts a quarter period (7.5 days)', 0.5, 2, 648_000],
  ['a full budget at burn 1 lasts the period', 1, 1, MONTH],
  ['a full budget at burn 14.4 lasts 50 hours', 1, 14.4, 180_000],
  ['no burn never exhausts', 0.7, 0, null],
  ['a spent budget is exhausted now', 0, 3, 0],
  ['an overspent budget is exhausted now', -0.5, 0, 0],
]
for (const [what, rem, rate, expected] of etas) {
  test(`time to exhaustion: ${what}`, () => assert.equal(timeToExhaustion(rem, rate, MONTH), expected))
}

const factorTable: [string, number, number[], string[]][] = [
  ['30 days keeps the workbook factors', MONTH, [14.4, 6, 3, 1], ['0.02', '0.05', '0.1', '0.1']],
  ['28 days keeps the factors (slightly larger budget shares)', 28 * DAY, [14.4, 6, 3, 1], []],
  ['7 days keeps the factors', 7 * DAY, [14.4, 6, 3, 1], []],
  ['1 day caps 6h at the whole budget, 1d at 1, and has no 3d row', DAY, [14.4, 4, 1], []],
  ['2 days caps 1d at 2', 2 * DAY, [14.4, 6, 2], []],
]
for (const [what, period, factors, shares] of factorTable) {
  test(`burn factors per period: ${what}`, () => {
    const rows = burnThresholds(period, 1_000_000)
    assert.deepEqual(
      rows.map((r) => r.factor),
      factors,
    )
    if (shares.length > 0)
      assert.deepEqual(
        rows.map((r) => String(r.budgetFraction)),
        shares,
      )
  })
}

// Error ratios against a 0.1 % budget (ratio 0.0144 is burn 14.4).
const statuses: [string, Record<string, number>, number, number, string][] = [
  ['no burning window is ok', { '5m': 0.0005, '1h': 0.0005, '3d': 0.0009, '6h': 0.0009 }, 0.9, 1000, 'ok'],
  ['1h and 5m both above 14.4 is critical', { '1h': 0.015, '5m': 0.02 }, 0.9, 1000, 'critical'],
  ['1h above 14.4 but 5m recovered is not a page', { '1h': 0.015, '5m': 0.002 }, 0.9, 1000, 'ok'],
  ['6h and 30m above 6 is critical', { '6h': 0.007, '30m': 0.008 }, 0.9, 1000, 'critical'],
  ['1d and 2h above 3 is a warning', { '1d': 0.004, '2h': 0.005 }, 0.9, 1000, 'warning'],
  ['3d and 6h above 1 is a warning', { '3d': 0.0012, '6h': 0.0015 }, 0.9, 1000, 'warning'],
  ['a burn exactly at the factor does not fire', { '3d': 0.001, '6h': 0.001 }, 0.9, 1000, 'ok'],
  ['a spent budget is exhausted even without burn', {}, 0, 1000, 'exhausted'],
  ['exhausted wins over critical', { '1h': 0.02, '5m': 0.02 }, -0.2, 1000, 'exhausted'],
  ['zero traffic is ok whatever the other figures', { '1h': 0.02, '5m': 0.02 }, -1, 0, 'ok'],
]
for (const [what, rates, rem, total, expected] of statuses) {
  test(`status: ${what}`, () =>
    assert.equal(
      sloStatus({
        errorRatios: rates,
        budgetPpb: 1_000_000,
        remaining: rem,
        periodTotal: total,
        periodSeconds: MONTH,
      }),
      expected,
    ))
}

test('burningPairs names each row that burns with its factor and rates', () => {
  assert.deepEqual(burningPairs({ '1h': 0.015, '5m': 0.02, '3d': 0.002, '6h': 0.002 }, MONTH, 1_000_000), [
    { severity: 'page', long: '1h', short: '5m', factor: 14.4, longBurnRate: 15, shortBurnRate: 20 },
    { severity: 'ticket', long: '3d', short: '6h', factor: 1, longBurnRate: 2, shortBurnRate: 2 },
  ])
})

test('evaluateSlo computes every figure of an availability SLO from window counts', () => {
  const slo = buildSloModel().defaults[0]!
  const w = (good: number, total: number) => ({ good, total })
  const figures = evaluateSlo(slo, {
    windows: {
      '5m': w(980, 1000),
      '30m': w(5900, 6000),
      '1h': w(11_700, 12_000),
      '2h': w(23_700, 24_000),
      '6h': w(71_700, 72_000),
      '1d': w(287_700, 288_000),
      '3d': w(863_700, 864_000),
    },
    period: w(1_999_000, 2_000_000),
  })
  assert.deepEqual(figures, {
    slo: 'availability',
    kind: 'availability',
    objective: 0.999,
    budget: 0.001,
    period: '30d',
    compliance: 0.9995,
    errorRatio: 0.0005,
    budgetRemaining: 0.5,
    burnRates: {
      '5m': 20,
      '30m': 16.6666666667,
      '1h': 25,
      '2h': 12.5,
      '6h': 4.16666666667,
      '1d': 1.04166666667,
      '3d': 0.347222222222,
    },
    periodBurnRate: 0.5,
    burnRatePerHour: 0.0347222222222,
    timeToExhaustionSeconds: 51_840,
    status: 'critical',
    burning: [
      { severity: 'page', long: '1h', short: '5m', factor: 14.4, longBurnRate: 25, shortBurnRate: 20 },
    ],
    good: 1_999_000,
    total: 2_000_000,
  })
})

test('evaluateSlo with zero traffic reports a full budget, no burn, no exhaustion and ok', () => {
  const slo = buildSloModel().defaults[1]!
  const zero = { good: 0, total: 0 }
  const figures = evaluateSlo(slo, { windows: { '5m': zero, '1h': zero }, period: zero })
  assert.equal(figures.compliance, 1)
  assert.equal(figures.budgetRemaining, 1)
  assert.equal(figures.timeToExhaustionSeconds, null)
  assert.equal(figures.status, 'ok')
  assert.deepEqual(Object.values(figures.burnRates), [0, 0, 0, 0, 0, 0, 0])
  assert.ok(Object.values(figures).every((v) => typeof v !== 'number' || Number.isFinite(v)))
})
