/**
 * Names the JIT-compiled code in a callgrind dump and sums instructions per function, so two configurations can be
 * diffed function by function (callgrind alone shows JavaScript frames as bare addresses).
 *
 *   rm -f /tmp/perf-*.map
 *   node --import tsx bench/instructions.ts --only=fastify-bare,lookout-metrics-only --keep --node-flags=--perf-basic-prof
 *   node --import tsx bench/callgrindByFunction.ts <dir>/cg.out.1-01 /tmp/perf-<server pid>.map > only-metrics.txt
 *   node --import tsx bench/callgrindByFunction.ts --diff bare.txt only-metrics.txt 4000
 *
 * The server's perf map is the one that names its route handler (`grep -l routeHandler /tmp/perf-*.map`; the
 * runner writes one too). `--diff a b requests` prints (b − a) / requests per function, largest first.
 */
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)

function byFunction(dump: string, perfMap: string): Map<string, number> {
  const map = readFileSync(perfMap, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [start, size, ...name] = line.split(' ')
      return { start: Number.parseInt(start!, 16), size: Number.parseInt(size!, 16), name: name.join(' ') }
    })
    .sort((a, b) => a.start - b.start)
  const lookup = (address: number): string | undefined => {
    let lo = 0
    let hi = map.length - 1
    let best = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (map[mid]!.start <= address) {
        best = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    const hit = map[best]
    return hit !== undefined && address < hit.start + hit.size ? hit.name : undefined
  }
  const names = new Map<string, string>()
  const self = new Map<string, number>()
  let current = '?'
  let skipCallCost = false
  for (const line of readFileSync(dump, 'utf8').split('\n')) {
    const fn = /^(c?)fn=\((\d+)\)(?: (.*))?$/.exec(line)
    if (fn) {
      if (fn[3] !== undefined) names.set(fn[2]!, fn[3])
      if (fn[1] === '') current = names.get(fn[2]!) ?? '?'
      continue
    }
    if (line.startsWith('calls=')) {
      skipCallCost = true // the next cost line is the call's inclusive cost
      continue
    }
    if (!/^[+\-*0-9]/.test(line)) continue
    if (skipCallCost) {
      skipCallCost = false
      continue
    }
    const ir = Number(line.trim().split(/\s+/)[1] ?? 0)
    if (Number.isFinite(ir)) self.set(current, (self.get(current) ?? 0) + ir)
  }
  const out = new Map<string, number>()
  for (const [name, ir] of self) {
    const address = /^0x([0-9a-f]+)$/.exec(name)
    const key = address
      ? `JS ${lookup(Number.parseInt(address[1]!, 16)) ?? 'unnamed JIT code'}`
      : name.replace(/\(.*$/, '').replace(/^.*::/, 'C++ ')
    out.set(key, (out.get(key) ?? 0) + ir)
  }
  return out
}

function readTable(file: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line)
    if (m) out.set(m[2]!, Number(m[1]))
  }
  return out
}

if (args[0] === '--diff') {
  const [, a, b, requests = '4000'] = args
  const before = readTable(a!)
  const after = readTable(b!)
  const n = Number(requests)
  const rows = [...new Set([...before.keys(), ...after.keys()])]
    .map((k) => [k, ((after.get(k) ?? 0) - (before.get(k) ?? 0)) / n] as const)
    .sort((x, y) => y[1] - x[1])
  const added = rows.reduce((sum, [, v]) => sum + Math.max(0, v), 0)
  console.log(`instructions per request added (sum of positive differences): ${Math.round(added)}`)
  for (const [k, v] of [...rows.slice(0, 40), ...rows.slice(-10)])
    console.log(`${Math.round(v).toString().padStart(7)}  ${k}`)
} else {
  const [dump, perfMap] = args
  if (dump === undefined || perfMap === undefined) {
    console.error('usage: callgrindByFunction.ts <callgrind dump> <perf map> | --diff <a> <b> [requests]')
    process.exit(2)
  }
  for (const [k, v] of [...byFunction(dump, perfMap)].sort((x, y) => y[1] - x[1]))
    console.log(`${v.toString().padStart(12)}  ${k}`)
}
