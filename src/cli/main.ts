#!/usr/bin/env node
/**
 * The `lookout` command: `init`, `generate`, `check`, `--version` (and `demo` in a clone) (see docs/cli.md). All logic is in `runCli`; this file
 * only binds it to the process.
 */
import { runCli } from './runCli.ts'

// A reader that stops early (`lookout generate | head -2`) closes the pipe: stop quietly, as Unix tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0)
    throw err
  })
}

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
})
