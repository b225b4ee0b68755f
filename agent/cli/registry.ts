/**
 * Every `ip2` command, listed once. Each area exports its own array from commands/<area>.ts;
 * add one import and one spread line here for a new area.
 */
import type { Command } from './command.ts';
import { identityCommands } from './commands/identity.ts';
import { mqttCommands } from './commands/mqtt.ts';
import { flashCommands } from './commands/flash.ts';
import { fwCommands } from './commands/fw.ts';
import { fwUpdateCommands } from './commands/fw-update.ts';
import { tpmCommands } from './commands/tpm.ts';
import { policyCommands } from './commands/policy.ts';
import { netCommands } from './commands/net.ts';
import { driversCommands } from './commands/drivers.ts';
import { intentCommands } from './commands/intent.ts';
import { pairCommands } from './commands/pair.ts';
import { grantCommands } from './commands/grant.ts';
import { auditCommands } from './commands/audit.ts';
import { runCommands } from './commands/run.ts';
import { demoCommands } from './commands/demo.ts';

export const commands: readonly Command[] = [
  ...identityCommands,
  ...mqttCommands,
  ...flashCommands,
  ...fwCommands,
  ...fwUpdateCommands,
  ...tpmCommands,
  ...policyCommands,
  ...netCommands,
  ...driversCommands,
  ...intentCommands,
  ...pairCommands,
  ...grantCommands,
  ...auditCommands,
  ...runCommands,
  ...demoCommands,
];
