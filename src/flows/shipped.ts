// Where the compiled palette and the shipped flows are, and how Node-RED finds them: the palette is linked into
// <userDir>/node_modules as a module (so its locales and icons load), the shipped flows are listed as examples.
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../log';
import { type FlowNode, isFlowArray } from './diff';

function findUp(from: string, rel: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, rel))) return join(dir, rel);
    if (dirname(dir) === dir) return null;
  }
}

export function defaultNodesDir(): string {
  // Compiled: dist/src/flows → dist/nodes. From source (tsx): src/flows → ../../dist/nodes.
  return findUp(__dirname, join('dist', 'nodes')) ?? resolve(__dirname, '..', '..', 'nodes');
}

export function defaultFlowsDir(): string {
  const found = findUp(__dirname, join('flows', 'default-pipeline.json'));
  return found ? dirname(found) : resolve(__dirname, '..', '..', 'flows');
}

export function loadShippedFlows(flowsDir: string, name = 'default-pipeline.json'): FlowNode[] {
  const v = JSON.parse(readFileSync(join(flowsDir, name), 'utf8')) as unknown;
  if (!isFlowArray(v)) throw new Error(`${join(flowsDir, name)} is not a Node-RED flows array`);
  return v;
}

/**
 * Links the compiled palette (dist/nodes, which has a package.json) into <userDir>/node_modules so Node-RED loads it
 * as the module "smart-butler-palette". False when that is not possible (then nodesDir is used).
 */
export function linkPalette(userDir: string, nodesDir: string, log: Logger): boolean {
  if (!existsSync(join(nodesDir, 'package.json'))) return false;
  const modules = join(userDir, 'node_modules');
  const link = join(modules, 'smart-butler-palette');
  try {
    mkdirSync(modules, { recursive: true });
    try {
      if (realpathSync(link) === realpathSync(nodesDir)) return true;
    } catch {
      /* no link yet */
    }
    try {
      // A stale link (or a leftover folder) is replaced; never follow a link when removing it.
      if (lstatSync(link).isSymbolicLink()) unlinkSync(link);
      else rmSync(link, { recursive: true, force: true });
    } catch {
      /* nothing there */
    }
    symlinkSync(nodesDir, link, 'dir');
    return true;
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not link the palette as a module: loading it as a folder (no translations)');
    return false;
  }
}

/** Import → Examples → smart-butler: the shipped pipeline and examples, re-importable at any time. */
export async function listExamples(flowsDir: string, log: Logger): Promise<void> {
  try {
    const library = require('@node-red/registry/lib/library') as { addExamplesDir(module: string, path: string): Promise<void> };
    await library.addExamplesDir('smart-butler', flowsDir);
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'the shipped example flows are not listed in the editor');
  }
}
