#!/usr/bin/env node
import { run } from './cli.ts';
import { nodeIo, releaseStdin } from './node-io.ts';

process.exitCode = await run(process.argv.slice(2), nodeIo());
releaseStdin();
