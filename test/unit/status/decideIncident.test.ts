import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { SampleStatus } from '../../../src/status/conventions.ts'
import {
  decideIncident,
  type IncidentAction,
  type OpenIncidentRef,
} from '../../../src/status/decideIncident.ts'

const auto = (impact = 'minor'): OpenIncidentRef => ({
  id: 7,
  automatic: true,
  impact,
  status: 'investigating',
})
const manual: OpenIncidentRef = { id: 9, automatic: false, impact: 'major', status: 'identified' }

// recent is newest first; thresholds openAfter 2, resolveAfter 3.
const cases: [
  string,
  SampleStatus[],
  OpenIncidentRef | undefined,
  number | undefined,
  IncidentAction['kind'],
  Partial<IncidentAction>?,
][] = [
  ['one bad sample opens nothing', ['outage', 'operational'], undefined, undefined, 'none'],
  [
    'two consecutive outage samples open a major incident',
    ['outage', 'outage', 'operational'],
    undefined,
    undefined,
    'open',
    { status: 'outage', impact: 'major' },
  ],
  [
    'two degraded samples open a minor incident',
    ['degraded', 'degraded'],
    undefined,
    undefined,
    'open',
    { status: 'degraded', impact: 'minor' },
  ],
  [
    'a mix of degraded and outage opens as outage',
    ['degraded', 'outage', 'operational'],
    undefined,
    undefined,
    'open',
    { status: 'outage' },
  ],
  [
    'a third bad sample does not open again (edge-triggered)',
    ['outage', 'outage', 'outage'],
    undefined,
    undefined,
    'none',
  ],
  [
    'a crossing within the reopen window reopens instead of opening',
    ['outage', 'outage', 'operational'],
    undefined,
    3,
    'reopen',
    { id: 3 },
  ],
  [
    'bad samples while an automatic incident is open add nothing',
    ['outage', 'outage', 'outage'],
    auto('major'),
    undefined,
    'none',
  ],
  [
    'flapping while open adds nothing',
    ['outage', 'operational', 'outage', 'operational'],
    auto('major'),
    undefined,
    'none',
  ],
  [
    'getting worse while open raises the impact',
    ['outage', 'degraded', 'degraded'],
    auto('minor'),
    undefined,
    'worsen',
    { id: 7, impact: 'major' },
  ],
  [
    'two operational samples do not resolve yet',
    ['operational', 'operational', 'outage'],
    auto(),
    undefined,
    'none',
  ],
  [
    'three operational samples resolve the automatic incident',
    ['operational', 'operational', 'operational', 'outage'],
    auto(),
    undefined,
    'resolve',
    { id: 7 },
  ],
  [
    'a fourth operational sample does nothing more',
    ['operational', 'operational', 'operational', 'operational'],
    auto(),
    undefined,
    'none',
  ],
  [
    "recovery only notes an operator's incident",
    ['operational', 'operational', 'operational', 'outage'],
    manual,
    undefined,
    'note',
    { id: 9, status: 'operational' },
  ],
  [
    "a crossing notes an operator's incident once",
    ['outage', 'outage', 'operational'],
    manual,
    undefined,
    'note',
    { id: 9, status: 'outage' },
  ],
  [
    'maintenance samples break the streak (no incident)',
    ['outage', 'maintenance', 'outage'],
    undefined,
    undefined,
    'none',
  ],
  [
    'maintenance samples never resolve',
    ['maintenance', 'maintenance', 'maintenance', 'outage'],
    auto(),
    undefined,
    'none',
  ],
  ['no history, no action', [], undefined, undefined, 'none'],
]

for (const [name, recent, open, reopenable, kind, fields] of cases) {
  test(name, () => {
    const action = decideIncident({ recent, open, reopenable, openAfter: 2, resolveAfter: 3 })
    assert.equal(action.kind, kind)
    if (fields !== undefined)
      for (const [k, v] of Object.entries(fields)) assert.equal((action as never)[k], v, k)
  })
}

test('openAfter 1 opens on the first bad sample', () => {
  assert.equal(
    decideIncident({
      recent: ['degraded'],
      open: undefined,
      reopenable: undefined,
      openAfter: 1,
      resolveAfter: 1,
    }).kind,
    'open',
  )
})
