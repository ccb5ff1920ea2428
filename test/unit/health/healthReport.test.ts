import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CheckState } from '../../../src/health/healthCheck.ts'
import { buildHealthReport } from '../../../src/health/healthReport.ts'

function state(name: string, status: CheckState['status'], critical: boolean, output?: string): CheckState {
  return {
    name,
    status,
    critical,
    componentType: 'datastore',
    measurement: 'responseTime',
    observedValue: 3,
    observedUnit: 'ms',
    output,
    durationMs: 3,
    time: '2025-01-01T00:00:00.000Z',
  }
}

const cases: {
  name: string
  results: CheckState[]
  blockers?: string[]
  criticalOnly?: boolean
  status: 'pass' | 'warn' | 'fail'
  http: number
}[] = [
  { name: 'no checks and no blockers pass', results: [], status: 'pass', http: 200 },
  { name: 'all checks passing pass', results: [state('db', 'pass', true)], status: 'pass', http: 200 },
  {
    name: 'a failing critical check fails with 503',
    results: [state('db', 'fail', true)],
    status: 'fail',
    http: 503,
  },
  {
    name: 'a failing non-critical check only warns, with 200',
    results: [state('db', 'pass', true), state('disk', 'fail', false)],
    status: 'warn',
    http: 200,
  },
  { name: 'a warning critical check warns', results: [state('db', 'warn', true)], status: 'warn', http: 200 },
  {
    name: 'readiness ignores non-critical checks',
    results: [state('db', 'pass', true), state('disk', 'fail', false)],
    criticalOnly: true,
    status: 'pass',
    http: 200,
  },
  {
    name: 'a blocker (shutting down) fails even when every check passes',
    results: [state('db', 'pass', true)],
    blockers: ['shutting down'],
    status: 'fail',
    http: 503,
  },
  {
    name: 'a critical failure outranks a non-critical warning',
    results: [state('disk', 'warn', false), state('db', 'fail', true)],
    status: 'fail',
    http: 503,
  },
]

for (const c of cases) {
  test(c.name, () => {
    const out = buildHealthReport({
      results: c.results,
      blockers: c.blockers ?? [],
      criticalOnly: c.criticalOnly ?? false,
      details: false,
    })
    assert.equal(out.body.status, c.status)
    assert.equal(out.httpStatus, c.http)
  })
}

test('checks are keyed component:measurement and hold arrays in the draft-inadarei shape', () => {
  const out = buildHealthReport({
    results: [state('postgres', 'pass', true)],
    blockers: [],
    criticalOnly: false,
    details: false,
    service: { name: 'identity', version: '1.2.3' },
  })
  assert.deepEqual(out.body, {
    status: 'pass',
    version: '1.2.3',
    releaseId: '1.2.3',
    serviceId: 'identity',
    description: 'health of identity',
    checks: {
      'postgres:responseTime': [
        {
          componentId: 'postgres',
          componentType: 'datastore',
          observedValue: 3,
          observedUnit: 'ms',
          status: 'pass',
          time: '2025-01-01T00:00:00.000Z',
        },
      ],
    },
  })
})

test('error details (output) appear only in the detailed operator view', () => {
  const results = [state('postgres', 'fail', true, 'connect ECONNREFUSED 127.0.0.1:5432')]
  const hidden = buildHealthReport({ results, blockers: [], criticalOnly: false, details: false })
  assert.equal(JSON.stringify(hidden.body).includes('ECONNREFUSED'), false)
  assert.equal(hidden.body.output, undefined)
  const shown = buildHealthReport({ results, blockers: [], criticalOnly: false, details: true })
  assert.equal(
    shown.body.checks?.['postgres:responseTime']?.[0]?.output,
    'connect ECONNREFUSED 127.0.0.1:5432',
  )
  assert.equal(shown.body.output, 'postgres failing')
})
