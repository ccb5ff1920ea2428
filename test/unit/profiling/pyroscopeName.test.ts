import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pyroscopeName } from '../../../src/profiling/pyroscopeName.ts'

const cases: [string, Parameters<typeof pyroscopeName>[0], string][] = [
  [
    'service, environment and version, labels sorted',
    { service: 'identity', version: '1.4.0', environment: 'production' },
    'identity{environment=production,version=1.4.0}',
  ],
  [
    'the instance and extra tags join the labels',
    {
      service: 'identity',
      version: '2',
      environment: 'prod',
      instance: 'pod-7',
      tags: { region: 'eu', team: 'id' },
    },
    'identity{environment=prod,instance=pod-7,region=eu,team=id,version=2}',
  ],
  [
    'characters that split Pyroscope labels become underscores',
    { service: 'api', version: 'v1,{beta}=x', environment: 'dev' },
    'api{environment=dev,version=v1__beta__x}',
  ],
  [
    'a value that is blank once trimmed is left out',
    { service: 'api', version: '   ', environment: 'dev' },
    'api{environment=dev}',
  ],
]

for (const [name, input, expected] of cases) {
  test(`pyroscopeName: ${name}`, () => {
    assert.equal(pyroscopeName(input), expected)
  })
}

test('service_name is never repeated inside the braces (Pyroscope derives it from the app name)', () => {
  assert.doesNotMatch(pyroscopeName({ service: 'x', version: '1', environment: 'e' }), /service_name/)
})
