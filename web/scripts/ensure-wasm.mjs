// Runs `npm run wasm` before a build when the verifier's generated module is
// missing, so a fresh checkout builds in one step.
import { existsSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const generated = path.join(root, 'src', 'verify', 'generated');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

if (existsSync(generated)) process.exit(0);
if (!pkg.scripts?.wasm) {
  console.warn('ensure-wasm: src/verify/generated/ is missing and there is no "wasm" script');
  process.exit(0);
}
execSync('npm run wasm', { cwd: root, stdio: 'inherit' });
