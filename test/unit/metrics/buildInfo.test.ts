import assert from 'node:assert/strict'
import { test } from 'node:test'
import pino from 'pino'
import { createLookout } from '../../../src/core/createLookout.ts'
import { allDashboards } from '../../../src/generate/generateAll.ts'
import { renderDashboard } from '../../../src/generate/renderDashboard.ts'
import { modelOf } from '../generate/model.ts'

const silent = pino({ level: 'silent' })

const cases = [
  {
    name: 'prometheus conventions: lookout_build_info carries version, commit and Node.js version from the environment',
    conventions: 'prometheus',
    env: { LOOKOUT_SERVICE_VERSION: '1.4.2', LOOKOUT_COMMIT: 'a1b2c3d' },
    line: `lookout_build_info{version="1.4.2",commit="a1b2c3d",node_version="${process.version}"} 1`,
  },
  {
    name: 'otel conventions: target_info carries the OTel resource label names',
    conventions: 'otel',
    env: { LOOKOUT_SERVICE_VERSION: '2.0.0', LOOKOUT_COMMIT: 'release/2.0' },
    line: `target_info{service_version="2.0.0",vcs_ref_head_revision="release/2.0",process_runtime_version="${process.version}"} 1`,
  },
  {
    name: 'without a configured commit the commit label says unknown',
    conventions: 'prometheus',
    env: {},
    line: `lookout_build_info{version="0.0.0",commit="unknown",node_version="${process.version}"} 1`,
  },
] as const

for (const c of cases) {
  test(c.name, async () => {
    const lookout = createLookout({ metrics: { conventions: c.conventions } }, { env: c.env, logger: silent })
    const text = await lookout.registry.expose('prometheus')
    assert.ok(text.split('\n').includes(c.line), text)
    const start = /^lookout_process_start_time_seconds (\S+)$/m.exec(text)
    assert.ok(start, 'start time gauge present')
    assert.equal(Number(start[1]), Math.round(performance.timeOrigin) / 1000)
  })
}

test('the commit option refuses a value that is not a hash or tag, with a coded error', () => {
  assert.throws(
    () => createLookout({}, { env: { LOOKOUT_COMMIT: 'a b"c' }, logger: silent }),
    (e: { code?: string; message: string }) =>
      e.code === 'LOOKOUT_ERR_CONFIG_INVALID' && /commit/.test(e.message),
  )
})

test('metrics off: no build-info series is registered', async () => {
  const lookout = createLookout({ metrics: { enabled: false } }, { env: {}, logger: silent })
  assert.ok(!(await lookout.registry.expose('prometheus')).includes('build_info'))
})

for (const conventions of ['prometheus', 'otel'] as const) {
  test(`${conventions}: every generated dashboard carries the deploy annotation on this convention's build-info series`, () => {
    const model = modelOf({ lookout: { service: 'identity', metrics: { conventions } } })
    const metric = conventions === 'otel' ? 'target_info' : 'lookout_build_info'
    for (const spec of allDashboards(model)) {
      const json = renderDashboard(spec, model.settings) as unknown as {
        annotations: { list: { name: string; expr: string; enable: boolean; datasource: { type: string } }[] }
      }
      const deploys = json.annotations.list.find((a) => a.name === 'Deploys')
      assert.ok(deploys, `${spec.uid} has no deploy annotation`)
      assert.equal(deploys.enable, true)
      assert.equal(deploys.datasource.type, 'prometheus')
      assert.match(
        deploys.expr,
        new RegExp(
          `^max by \\(\\w+, \\w+\\) \\(${metric}\\{job="identity"\\} unless ${metric}\\{job="identity"\\} offset 10m\\)$`,
        ),
      )
    }
  })
}
