// npm run bench: every benchmark, one after another, then one PASS/FAIL line per benchmark. Each
// one interleaves its own rounds against its own baselines; run one alone with `npx tsx bench/<name>.ts`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { runLoginStorm } from './loginStorm';
import { runPasswordCache } from './passwordCache';
import { runShipsList } from './shipsList';
import { runSpeedBench } from './speed';

/** bench/coldStart.ts is a program of its own (it builds dist/ and spawns it); its exit code is its verdict. */
async function runColdStart(): Promise<boolean> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/coldStart.ts', '--runs', '5'], { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  return code === 0;
}

const benches: [string, () => Promise<boolean>][] = [
  ['token paths beside the bare stacks (bench/speed.ts)', () => runSpeedBench()],
  ['Basic user:password through the verified-password cache (bench/passwordCache.ts)', () => runPasswordCache()],
  ['login storm beside the token path (bench/loginStorm.ts)', () => runLoginStorm()],
  ['TX GET /api/ships at 100k ships (bench/shipsList.ts)', () => runShipsList()],
  ['cold start and RSS of the compiled build (bench/coldStart.ts)', runColdStart],
];

const verdicts: Record<string, string> = {};
for (const [name, run] of benches) {
  console.log(`\n=== ${name}\n`);
  try {
    verdicts[name] = (await run()) ? 'PASS' : 'FAIL';
  } catch (error) {
    console.error(error);
    verdicts[name] = 'ERROR';
  }
}
console.log('\nnpm run bench: summary');
console.table(verdicts);
process.exit(Object.values(verdicts).every((verdict) => verdict === 'PASS') ? 0 : 1);
