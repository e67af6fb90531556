#!/usr/bin/env node
// The `podmap` command, the bin of @podmap/runtime: `podmap --help` lists its commands.
import { runPodmap } from './run-podmap.ts';

process.exitCode = await runPodmap(process.argv.slice(2));
