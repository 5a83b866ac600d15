/**
 * Builds the reviewers' page into one self-contained `web/dist/index.html`: the script and the styles are inlined as
 * a classic (non-module) script, because browsers refuse module scripts on pages opened from disk (file://). The
 * same file works from any static host, at any path.
 *
 * A Content-Security-Policy pins the inline script and styles by hash and allows network requests only to http(s)
 * endpoints (the RPC endpoint the reviewer chooses): no fonts, images or scripts from anywhere else.
 *
 * Deployment records in `deployments/<chainId>.json` are embedded, so the presets know where the contracts live
 * (GOVANCHOR_DEPLOYMENTS_DIR names another folder).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const webDir = dirname(fileURLToPath(import.meta.url));
/** Where deployment records are read from; GOVANCHOR_DEPLOYMENTS_DIR overrides (the browser tests use their own). */
const deploymentsDir = process.env.GOVANCHOR_DEPLOYMENTS_DIR || join(webDir, '..', 'deployments');

/** What the page needs from each deployment record found at build time. */
function embeddedDeployments(): Record<string, unknown>[] {
  let names: string[] = [];
  try {
    names = readdirSync(deploymentsDir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const records: Record<string, unknown>[] = [];
  for (const name of names) {
    try {
      records.push({ ...JSON.parse(readFileSync(join(deploymentsDir, name), 'utf8')), source: `deployments/${name}` });
    } catch {
      // A malformed record is skipped here; the page validates what it embeds and reports nothing for it.
    }
  }
  return records;
}

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

/** Inlines the entry chunk and the stylesheet into index.html and adds the Content-Security-Policy. */
function singleFile(): Plugin {
  return {
    name: 'govanchor-single-file',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((item) => item.type === 'asset' && item.fileName === 'index.html');
      if (!html || html.type !== 'asset') throw new Error('single-file: no index.html in the bundle');
      let page = String(html.source);
      const scripts: string[] = [];
      const styles: string[] = [];
      for (const [fileName, item] of Object.entries(bundle)) {
        if (item.type === 'chunk') {
          const tag = new RegExp(`<script[^>]*src="[^"]*${escapeRegExp(fileName)}"[^>]*></script>\\s*`);
          if (!tag.test(page)) throw new Error(`single-file: ${fileName} is not referenced by index.html`);
          page = page.replace(tag, () => '');
          scripts.push(item.code.replace(/<\/(script)/gi, '<\\/$1'));
          delete bundle[fileName];
        } else if (fileName.endsWith('.css')) {
          const tag = new RegExp(`<link[^>]*href="[^"]*${escapeRegExp(fileName)}"[^>]*>\\s*`);
          page = page.replace(tag, '');
          styles.push(String(item.source).replace(/<\/(style)/gi, '<\\/$1'));
          delete bundle[fileName];
        }
      }
      const csp = [
        "default-src 'none'",
        `script-src ${scripts.map(cspHash).join(' ')}`,
        `style-src ${styles.map(cspHash).join(' ') || "'none'"}`,
        'connect-src http: https:',
        'img-src data:',
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; ');
      // Function replacements: the minified code contains `$` sequences that a replacement string would expand.
      page = page
        .replace(
          /(<meta charset="[^"]*" \/>)/,
          (meta) => `${meta}\n    <meta http-equiv="Content-Security-Policy" content="${csp}" />`,
        )
        .replace('</head>', () => `${styles.map((css) => `    <style>${css}</style>\n`).join('')}  </head>`)
        .replace('</body>', () => `${scripts.map((js) => `    <script>${js}</script>\n`).join('')}  </body>`);
      html.source = page;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export default defineConfig({
  root: webDir,
  base: './',
  define: { __GOVANCHOR_DEPLOYMENTS__: JSON.stringify(embeddedDeployments()) },
  build: {
    outDir: join(webDir, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2048,
    rolldownOptions: { output: { format: 'iife', codeSplitting: false } },
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
  plugins: [singleFile()],
});
