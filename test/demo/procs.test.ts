/** The demo's process supervision: bounded waits with typed errors, and every child stopped. */
import { describe, expect, it } from 'vitest';
import { DemoError } from '../../scripts/demo/errors.ts';
import { runIp2, shellLine } from '../../scripts/demo/ip2.ts';
import { Supervisor } from '../../scripts/demo/procs.ts';

const node = (script: string) => ({ program: process.execPath, args: ['-e', script], cwd: process.cwd() });

describe('Supervisor and Proc', () => {
  it('reads JSON lines, answers commands, and times out with a typed error', async () => {
    const sup = new Supervisor(node(''), process.env);
    const echo = `process.stdout.write(JSON.stringify({ready:true})+'\\nnot json\\n');
      require('readline').createInterface({input:process.stdin}).on('line',(l)=>process.stdout.write(JSON.stringify({echo:JSON.parse(l)})+'\\n'));
      process.on('SIGTERM',()=>process.exit(0));`;
    const p = sup.startProgram('echo', process.execPath, ['-e', echo]);
    expect(await p.next('ready', 10_000)).toEqual({ ready: true });
    expect(await p.ask({ cmd: 'x' }, 'echo')).toEqual({ echo: { cmd: 'x' } });
    expect(p.stdoutText).toContain('not json');
    await expect(p.next('never', 300)).rejects.toSatisfy((e: unknown) => e instanceof DemoError && e.code === 'TIMEOUT');
    await sup.stopAll();
    expect(p.running).toBe(false);
  });

  it('reports a child that exits early, and kills one that ignores SIGTERM', async () => {
    const sup = new Supervisor(node(''), process.env);
    const dies = sup.startProgram('dies', process.execPath, ['-e', 'process.stderr.write("boom\\\\n"); process.exit(3)']);
    await expect(dies.next('ready', 10_000)).rejects.toSatisfy((e: unknown) => e instanceof DemoError && e.code === 'PROCESS_EXITED' && e.message.includes('boom'));
    const stubborn = sup.startProgram('stubborn', process.execPath, ['-e', 'process.on("SIGTERM",()=>{}); console.log(JSON.stringify({ready:1})); setInterval(()=>{},1000)']);
    await stubborn.next('ready', 10_000);
    const t0 = Date.now();
    await sup.stopAll();
    expect(stubborn.running).toBe(false);
    expect(stubborn.child.signalCode).toBe('SIGKILL');
    expect(Date.now() - t0).toBeLessThan(9000);
  }, 20_000);

  it('runs a command with a deadline and prints it as a copy-paste line', async () => {
    const r = await runIp2(node('process.stdout.write("out"); process.stderr.write("err"); process.exit(2)'), [], process.env);
    expect(r).toEqual({ code: 2, out: 'out', err: 'err' });
    await expect(runIp2(node('setTimeout(()=>{}, 10000)'), [], process.env, 300)).rejects.toSatisfy((e: unknown) => e instanceof DemoError && e.code === 'TIMEOUT');
    const entry = { program: process.execPath, args: ['--import', 'tsx', '/repo/agent/cli/ip2.ts'], cwd: '/repo' };
    expect(shellLine(entry, ['intent', 'read_temperature', '--args', '{"a":1}'])).toBe(`npx tsx agent/cli/ip2.ts intent read_temperature --args '{"a":1}'`);
    expect(shellLine({ program: 'node', args: ['/x/dist/ip2.js'], cwd: '/x' }, ['id'])).toBe('node dist/ip2.js id');
  });
});
