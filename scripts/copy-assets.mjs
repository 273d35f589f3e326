// Copies the non-TypeScript parts of the Node-RED palette (editor .html, locales, icons) next to the compiled nodes,
// because Node-RED loads a node's .html from beside its .js.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';

const KEEP = new Set(['.html', '.json', '.png', '.svg', '.js', '.css']);
function copy(src, dst) {
  if (!existsSync(src)) return;
  for (const name of readdirSync(src)) {
    const s = join(src, name);
    const d = join(dst, name);
    if (statSync(s).isDirectory()) copy(s, d);
    else if (KEEP.has(extname(name))) cpSync(s, d);
  }
}
copy('nodes', 'dist/nodes');
// The panel is built by Vite (vite.config.mjs) straight into dist/src/panel.
