#!/usr/bin/env node
/**
 * The `lookout` command: `generate`, `check`, `demo` (see docs/cli.md). All logic is in `runCli`; this file
 * only binds it to the process.
 */
import { runCli } from './runCli.ts'

process.exitCode = await runCli(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
})
