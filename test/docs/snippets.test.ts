import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { installLookoutApp, REPO_ROOT } from '../support/packedLookout.ts'

const run = promisify(execFile)

/** Every ```ts block of README.md and docs/*.md, with where it is. */
function snippets(): { where: string; code: string }[] {
  const files = [
    'README.md',
    ...readdirSync(join(REPO_ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ]
  const out: { where: string; code: string }[] = []
  for (const file of files.sort()) {
    const text = readFileSync(join(REPO_ROOT, file), 'utf8')
    for (const m of text.matchAll(/^```(?:ts|typescript)\n([\s\S]*?)^```/gm)) {
      const line = text.slice(0, m.index).split('\n').length
      out.push({ where: `${file}:${line}`, code: m[1]! })
    }
  }
  return out
}

/** Packages the snippets import that are not Lookout's to check: typed as anything. */
const AMBIENT = `declare module '@sentry/browser'\n`

test('every TypeScript snippet in README.md and docs/ type-checks strictly against the packed package', {
  timeout: 900_000,
}, async (t) => {
  const root = await installLookoutApp({
    dependencies: {
      fastify: '5.12.8',
      express: '5.3.0',
      '@types/express': '^5.0.6',
      '@types/node': '^20.19.43',
      typescript: '~5.9',
      pg: '^8.23.1',
      '@types/pg': '^8.23.1',
      ioredis: '^5.11.1',
    },
  })
  const dir = mkdtempSync(join(root, 'snippets-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }))
  const all = snippets()
  assert.ok(all.length > 10, `found ${all.length} snippets`)
  mkdirSync(join(dir, 'src'))
  for (const [i, s] of all.entries())
    writeFileSync(join(dir, 'src', `snippet${i}.ts`), `export {}\n${s.code}`)
  writeFileSync(join(dir, 'src', 'ambient.d.ts'), AMBIENT)
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['src'],
    }),
  )
  const tsc = join(root, 'node_modules/typescript/bin/tsc')
  const check = async () => {
    try {
      await run(process.execPath, [tsc, '-p', dir], { cwd: dir, maxBuffer: 64 * 1024 * 1024 })
      return ''
    } catch (err) {
      return String((err as { stdout?: string }).stdout ?? err)
    }
  }
  // A snippet names the app's own things (`pool`, `router`, a handler) without defining them: each name tsc
  // cannot find is declared, typed as anything, and the snippets are checked again. Everything else must pass.
  const first = await check()
  const missing = new Map<string, Set<string>>()
  for (const m of first.matchAll(
    /^src\/(snippet\d+\.ts)\(\d+,\d+\): error TS2304: Cannot find name '([^']+)'/gm,
  )) {
    if (!missing.has(m[1]!)) missing.set(m[1]!, new Set())
    missing.get(m[1]!)!.add(m[2]!)
  }
  for (const [file, declared] of missing) {
    const path = join(dir, 'src', file)
    const body = readFileSync(path, 'utf8')
    const declarations = [...declared].map((name) => `declare const ${name}: any`).join('\n')
    writeFileSync(path, `${declarations}\n${body}`)
  }
  const second = await check()
  const located = second.replace(/src\/snippet(\d+)\.ts\((\d+),/g, (_all, i: string, line: string) => {
    const offset = (missing.get(`snippet${i}.ts`)?.size ?? 0) + 1
    const where = all[Number(i)]!.where.split(':')
    return `${where[0]}:${Number(where[1]) + Number(line) - offset}(`
  })
  assert.equal(located.trim(), '', `snippets that do not type-check:\n${located}`)
})
