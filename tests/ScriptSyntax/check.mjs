// Parses every PowerShell script in the repository and reports syntax errors with file:line:column.
// A stand-in for the PowerShell parser on machines without pwsh: it catches unbalanced braces,
// broken strings and here-strings, and misplaced keywords before the release run in PowerShell 7 does.
// Known gap of the grammar: a bare comma list as a command argument (`Format-List Name, Sitekey`)
// is reported as an error; write `-Property @('Name', 'Sitekey')` instead.
import Parser from 'tree-sitter';
import PowerShell from 'tree-sitter-powershell';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const skipped = new Set(['node_modules', 'bin', 'obj', 'out', '.git']);

function* scripts(directory) {
  for (const entry of readdirSync(directory)) {
    if (skipped.has(entry)) continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) yield* scripts(path);
    else if (/\.(ps1|psm1|psd1)$/i.test(entry)) yield path;
  }
}

const parser = new Parser();
parser.setLanguage(PowerShell);
let passed = 0;
let failed = 0;
for (const path of scripts(root)) {
  const source = readFileSync(path, 'utf8');
  const tree = parser.parse(source, null, { bufferSize: Math.max(64 * 1024, source.length * 4) });
  const errors = [];
  const walk = (node) => {
    if (node.type === 'ERROR' || node.isMissing) errors.push(node);
    else for (const child of node.children) walk(child);
  };
  walk(tree.rootNode);
  const name = relative(root, path);
  if (errors.length === 0) {
    passed++;
    console.log(`ok    ${name}`);
  } else {
    failed++;
    console.log(`FAIL  ${name}`);
    for (const error of errors.slice(0, 10)) {
      const what = error.isMissing ? `missing ${error.type}` : `cannot parse ${JSON.stringify(error.text.split('\n')[0].slice(0, 60))}`;
      console.log(`      ${name}:${error.startPosition.row + 1}:${error.startPosition.column + 1}: ${what}`);
    }
  }
}
console.log(`script syntax: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
