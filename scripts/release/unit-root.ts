/**
 * A minimal root for `systemd-analyze verify/security --root`: systemd's own units, /bin/sh (for
 * ExecStartPost) and an agent slot behind /opt/ip2-agent/current, so every path the unit names
 * resolves. Used by the unit's test and its benchmark.
 */
import { chmod, cp, mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const UNIT_SOURCE = 'scripts/systemd/ip2-agent.service';

export async function makeUnitRoot(unit = UNIT_SOURCE): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ip2-unit-'));
  await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
  await mkdir(join(root, 'usr/lib/systemd'), { recursive: true });
  await mkdir(join(root, 'bin'), { recursive: true });
  await cp('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
  await cp('/bin/sh', join(root, 'bin/sh'), { dereference: true });
  await cp(unit, join(root, 'etc/systemd/system/ip2-agent.service'));
  await mkdir(join(root, 'opt/ip2-agent/slots/a/bin'), { recursive: true });
  await writeFile(join(root, 'opt/ip2-agent/slots/a/bin/ip2'), '#!/bin/sh\n');
  await chmod(join(root, 'opt/ip2-agent/slots/a/bin/ip2'), 0o755);
  await symlink('slots/a', join(root, 'opt/ip2-agent/current'));
  return root;
}
