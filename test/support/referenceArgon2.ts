import { spawnSync } from 'node:child_process';

// A second, independent argon2 implementation: argon2-cffi (libargon2, the reference encoder and
// decoder), from Debian's python3-argon2. Tests that need it skip, and say so, without it.

const CANDIDATES = ['/usr/bin/python3', 'python3'];

const SCRIPT = `
import json, sys
import argon2
cases = json.load(sys.stdin)
hasher = argon2.PasswordHasher()
out = []
for hash, password in cases:
    try:
        out.append(hasher.verify(hash, password))
    except argon2.exceptions.VerifyMismatchError:
        out.append(False)
    except Exception as error:
        out.append(type(error).__name__ + ": " + str(error))
print(json.dumps(out))
`;

function findPython(): string | null {
  for (const python of CANDIDATES) {
    const probe = spawnSync(python, ['-c', 'import argon2'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return null;
}

export const referencePython = findPython();
export const REFERENCE_MISSING = 'needs argon2-cffi, the reference argon2 (Debian: apt-get install python3-argon2)';

/** libargon2's verdict on each (hash, password): true, false, or the error it raised decoding the hash. */
export function referenceVerify(cases: [hash: string, password: string][]): (boolean | string)[] {
  const run = spawnSync(referencePython!, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`argon2-cffi failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as (boolean | string)[];
}
