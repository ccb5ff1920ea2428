import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LifecycleCore } from '../../../src/http/lifecycleCore.ts'
import type { LifecycleRequest } from '../../../src/http/lifecycleRequest.ts'
import type { LookoutLogger } from '../../../src/logging/createLogger.ts'
import { createRequestLogObserver, type RequestLogSampling } from '../../../src/logging/requestLogObserver.ts'
import { createRedactor } from '../../../src/redact/createRedactor.ts'

function request(status: number, durationMs: number, excluded = false): LifecycleRequest {
  return {
    excluded,
    context: undefined,
    requestId: '0123456789abcdef0123456789abcdef',
    requestIdGenerated: true,
    traceId: undefined,
    method: 'GET',
    route: '/users/:id',
    url: '/users/1',
    status,
    durationSeconds: durationMs / 1000,
    requestBytes: 0,
    responseBytes: 2,
    headers: {},
    aborted: false,
    error: undefined,
  } as unknown as LifecycleRequest
}

/** Runs requests through the observer; returns the statuses written and the count left out. */
function run(sampling: Omit<RequestLogSampling, 'onSampledOut'> | undefined, reqs: LifecycleRequest[]) {
  const written: number[] = []
  let sampledOut = 0
  const sink = (line: { status: number }) => written.push(line.status)
  const logger = { info: sink, warn: sink, error: sink } as unknown as LookoutLogger
  const core = { clientIp: () => '127.0.0.1' } as unknown as LifecycleCore
  const observer = createRequestLogObserver({
    logger,
    core,
    redactor: createRedactor(),
    sampling: sampling === undefined ? undefined : { ...sampling, onSampledOut: () => sampledOut++ },
  })
  for (const r of reqs) observer.onFinish!(r)
  return { written, sampledOut }
}

const never = () => 0.999999
const mixed = [
  request(200, 5),
  request(201, 5),
  request(404, 5),
  request(401, 5),
  request(500, 5),
  request(502, 5),
]

const cases: {
  name: string
  sampling: Omit<RequestLogSampling, 'onSampledOut'> | undefined
  reqs: LifecycleRequest[]
  written: number[]
  sampledOut: number
}[] = [
  {
    name: 'without sampling every line is written and nothing is counted',
    sampling: undefined,
    reqs: mixed,
    written: [200, 201, 404, 401, 500, 502],
    sampledOut: 0,
  },
  {
    name: 'ratio 1 writes every line',
    sampling: { ratio: 1, slowMs: 1000, sampleClientErrors: false, random: never },
    reqs: mixed,
    written: [200, 201, 404, 401, 500, 502],
    sampledOut: 0,
  },
  {
    name: 'ratio 0 keeps every 4xx and 5xx and counts each success left out',
    sampling: { ratio: 0, slowMs: 1000, sampleClientErrors: false, random: never },
    reqs: mixed,
    written: [404, 401, 500, 502],
    sampledOut: 2,
  },
  {
    name: 'with sampleClientErrors 4xx are sampled like successes; 5xx are still kept',
    sampling: { ratio: 0, slowMs: 1000, sampleClientErrors: true, random: never },
    reqs: mixed,
    written: [500, 502],
    sampledOut: 4,
  },
  {
    name: 'a request at the slow threshold or above is kept whatever its status',
    sampling: { ratio: 0, slowMs: 250, sampleClientErrors: false, random: never },
    reqs: [request(200, 249), request(200, 250), request(200, 4000)],
    written: [200, 200],
    sampledOut: 1,
  },
  {
    name: 'ordinary lines are written when the draw falls under the ratio',
    sampling: { ratio: 0.25, slowMs: 1000, sampleClientErrors: false, random: cycle([0.1, 0.3, 0.24, 0.9]) },
    reqs: [request(200, 1), request(200, 1), request(200, 1), request(200, 1)],
    written: [200, 200],
    sampledOut: 2,
  },
  {
    name: 'excluded routes are neither written nor counted',
    sampling: { ratio: 0, slowMs: 1000, sampleClientErrors: false, random: never },
    reqs: [request(200, 1, true), request(500, 1, true)],
    written: [],
    sampledOut: 0,
  },
]

function cycle(values: number[]): () => number {
  let i = 0
  return () => values[i++ % values.length]!
}

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(run(c.sampling, c.reqs), { written: c.written, sampledOut: c.sampledOut })
  })
}
