/**
 * Reads policy files: a directory's `.cedar` files in sorted name order, or a list of files.
 * The file system is a defaulted parameter so tests can inject one.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { POLICY_FILE_SUFFIX } from './constants.ts';
import { PolicyLoadError } from './errors.ts';
import type { PolicySet } from './ast.ts';
import { parsePolicies } from './parser.ts';

export interface PolicyFs {
  readFile(path: string, encoding: 'utf8'): Promise<string>;
  readdir(path: string): Promise<string[]>;
}

const nodeFs: PolicyFs = { readFile: (p, e) => readFile(p, e), readdir: (p) => readdir(p) };

export async function loadPolicyFiles(paths: readonly string[], fs: PolicyFs = nodeFs): Promise<PolicySet> {
  const sources = await Promise.all(paths.map(async (name) => {
    try {
      return { name, text: await fs.readFile(name, 'utf8') };
    } catch (cause) {
      throw new PolicyLoadError(`${name}: cannot read policy file`, [], { cause });
    }
  }));
  return parsePolicies(sources);
}

export async function loadPolicyDir(dir: string, fs: PolicyFs = nodeFs): Promise<PolicySet> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (cause) {
    throw new PolicyLoadError(`${dir}: cannot read policy directory`, [], { cause });
  }
  const files = names.filter((n) => n.endsWith(POLICY_FILE_SUFFIX)).sort();
  return loadPolicyFiles(files.map((n) => join(dir, n)), fs);
}
