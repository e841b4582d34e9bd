#!/usr/bin/env node
// The `hangar` admin CLI (npx hangar, npm run hangar --). Runs src/cli/hangar.ts through tsx's
// loader, registered in this process so the terminal stays attached for password prompts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/hangar.ts');
await main();
