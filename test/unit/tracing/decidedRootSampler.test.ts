import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ROOT_CONTEXT, SamplingDecision, SpanKind } from '@opentelemetry/api'
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace-base'
import { createDecidedRootSampler } from '../../../src/tracing/decidedRootSampler.ts'

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const decide = (sampler: ReturnType<typeof createDecidedRootSampler>) =>
  sampler.shouldSample(ROOT_CONTEXT, TRACE_ID, 'GET /users/:id', SpanKind.SERVER, {}, []).decision

test('a root already decided is recorded once, and every other span is left to the configured sampler', () => {
  const decision = { rootRecorded: false }
  const sampler = createDecidedRootSampler(new AlwaysOffSampler(), decision)
  assert.equal(decide(sampler), SamplingDecision.NOT_RECORD)
  decision.rootRecorded = true
  assert.equal(decide(sampler), SamplingDecision.RECORD_AND_SAMPLED)
  assert.equal(decision.rootRecorded, false)
  assert.equal(decide(sampler), SamplingDecision.NOT_RECORD)
  assert.equal(sampler.toString(), new AlwaysOffSampler().toString())
})
