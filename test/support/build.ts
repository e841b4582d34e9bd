import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface Build {
  /** The folder that holds dist/ (and a node_modules link, so the packages resolve from there). */
  root: string;
  main: string;
  dbCli: string;
  cleanup(): void;
}

/** `scripts/build.mjs --outdir` into a temp folder: what `npm run build` writes into dist/. */
export function buildInto(): Build {
  const root = mkdtempSync(join(tmpdir(), 'hangar-build-'));
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  const built = spawnSync(process.execPath, ['scripts/build.mjs', '--outdir', join(root, 'dist')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the build failed:\n${built.stderr}`);
  return {
    root,
    main: join(root, 'dist', 'main.js'),
    dbCli: join(root, 'dist', 'cli', 'db.js'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** A copy of what `npm start` reads (package.json, scripts, src), to change sources without touching the worktree. */
export function copyOfProject(): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'hangar-project-'));
  for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'src']) cpSync(resolve(path), join(root, path), { recursive: true });
  symlinkSync(resolve('node_modules'), join(root, 'node_modules'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
