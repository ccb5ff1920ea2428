import { fileURLToPath } from 'node:url'
import { type FunctionInput, StringTable } from 'pprof-format'

/** The call-frame fields both V8 profilers report. */
export interface FrameLike {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
}

/**
 * The string and function tables of a pprof profile, shared by the CPU and heap converters: one function entry
 * per (name, file, line), names deduplicated, 1-based lines.
 *
 * @example
 * const table = createPprofFunctionTable()
 * const id = table.functionId(node.callFrame)
 * new Profile({ function: table.functions, stringTable: table.strings, … })
 */
export function createPprofFunctionTable(): {
  readonly strings: StringTable
  readonly functions: FunctionInput[]
  functionId(frame: FrameLike): number
} {
  const strings = new StringTable()
  const functions: FunctionInput[] = []
  const functionIds = new Map<string, number>()
  return {
    strings,
    functions,
    functionId(frame) {
      const name = frame.functionName || '(anonymous)'
      const file = displayPath(frame.url)
      const line = frame.lineNumber >= 0 ? frame.lineNumber + 1 : 0
      const key = `${name}\0${file}\0${line}`
      let id = functionIds.get(key)
      if (id === undefined) {
        id = functions.length + 1
        functionIds.set(key, id)
        const nameId = strings.dedup(name)
        functions.push({
          id,
          name: nameId,
          systemName: nameId,
          filename: strings.dedup(file),
          startLine: line,
        })
      }
      return id
    },
  }
}

/** `file:///app/src/x.js` → `/app/src/x.js` (what `go tool pprof -list` can open); other URLs as they are. */
export function displayPath(url: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url)
    } catch {
      return url
    }
  }
  return url
}
