// Shared helper: a validated model from a project config, failing the test with the problems otherwise.
import assert from 'node:assert/strict'
import {
  buildGenerateModel,
  type GenerateModel,
  type LookoutProjectConfig,
} from '../../../src/generate/generateModel.ts'

export function modelOf(project: LookoutProjectConfig): GenerateModel {
  const r = buildGenerateModel(project)
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems))
  return r.model
}
