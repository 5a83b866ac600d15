#!/usr/bin/env node
'use strict';
// Launcher of the `govanchor` command-line tool (package.json "bin"). The tool is TypeScript under src/; this
// launcher transpiles it on the fly with the installed TypeScript (transpile only: `npm run typecheck` checks types),
// so the tool works right after `npm install` without a build step. Transpiled files are cached by content hash in
// node_modules/.cache/govanchor-cli, so only the first run pays for TypeScript.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'govanchor-cli');
const CACHE_VERSION = '1';
let typescript;

function transpile(source, filename) {
  typescript ??= require('typescript');
  const ts = typescript;
  return ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      resolveJsonModule: true,
      inlineSourceMap: true,
      inlineSources: false,
    },
  }).outputText;
}

function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const key = crypto.createHash('sha256').update(`${CACHE_VERSION}\0${filename}\0${source}`).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, 'utf8');
  } catch {
    code = transpile(source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const temporary = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, code);
      fs.renameSync(temporary, cached);
    } catch {
      // A read-only installation still works, just without the cache.
    }
  }
  module._compile(code, filename);
}

require.extensions['.ts'] = compileTs;
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);

require(path.join(root, 'src', 'cli', 'index.ts'))
  .main(process.argv)
  .then(
    (code) => exit(code),
    (error) => {
      process.stderr.write(`error: ${error && error.message ? error.message.split('\n')[0] : String(error)}\n`);
      if (process.argv.includes('--debug') && error && error.stack) process.stderr.write(`${error.stack}\n`);
      exit(3);
    },
  );

/** Exits once stdout and stderr are flushed (providers may keep timers alive otherwise). */
function exit(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}
