#!/usr/bin/env node
// The CLI is TypeScript sharing the plugin's model; tsx runs it without a separate build step.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../src/cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
