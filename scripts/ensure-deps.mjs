#!/usr/bin/env node
// Runs before `npm start` and `npm test` (package.json pre-scripts), so that on a fresh Debian or
// Raspberry Pi OS machine those two commands do all the set-up. Plain JavaScript with no
// dependencies: it runs before node_modules exists.
//
//   node scripts/ensure-deps.mjs            npm ci when node_modules is missing or stale
//   node scripts/ensure-deps.mjs --system   also the Debian packages the real-component tests use
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`ip2-agent needs Node.js ≥ 20.19 (this is ${process.versions.node}). See README "Requirements".`);
  process.exit(1);
}

const installed = 'node_modules/.package-lock.json';
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs) {
  console.error('setup: installing dependencies (npm ci) …');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (process.argv.includes('--system')) {
  const wanted = ['socat', 'swtpm', 'swtpm-tools', 'tpm2-tools', 'mosquitto', 'mosquitto-clients', 'fdisk', 'dosfstools', 'mtools', 'e2fsprogs', 'qemu-user-static', 'systemd'];
  const missing = wanted.filter((p) => !dpkgInstalled(p));
  if (missing.length > 0) {
    const asRoot = process.getuid?.() === 0;
    const sudo = !asRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
    if (asRoot || sudo) {
      console.error(`setup: installing ${missing.join(' ')} (apt-get) …`);
      const pre = asRoot ? [] : ['sudo', '-n'];
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      run(pre[0] ?? 'apt-get', [...pre.slice(1), ...(asRoot ? [] : ['apt-get']), 'update', '-qq'], env);
      run(pre[0] ?? 'apt-get', [...pre.slice(1), ...(asRoot ? [] : ['apt-get']), 'install', '-y', '-qq', '--no-install-recommends', ...missing], env);
    } else {
      console.error(`setup: ${missing.join(', ')} not installed and no root: the tests that need them will be skipped.`);
      console.error(`       install with: sudo apt-get install -y ${missing.join(' ')}`);
    }
  }
}

function dpkgInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().includes('ok installed');
  } catch {
    return false;
  }
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (r.status !== 0) {
    console.error(`setup: ${cmd} ${args.join(' ')} failed (exit ${r.status})`);
    process.exit(1);
  }
}
