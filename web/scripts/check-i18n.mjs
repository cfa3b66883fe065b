// SPDX-License-Identifier: Apache-2.0
// Checks the message fragments before a build: the same merge the app does at load time
// (src/i18n/merge.js), which refuses a key defined twice or a fragment whose Japanese and
// English keys differ. Exits 1 with the problems, else prints how many keys there are.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mergeCatalogs } from '../src/i18n/merge.js';

const i18nDir = fileURLToPath(new URL('../src/i18n/', import.meta.url));
const featuresDir = path.join(i18nDir, '..', 'features');

// Paths as the app's import.meta.glob names them: relative to src/i18n.
const folders = ['.'];
for (const feature of readdirSync(featuresDir).sort()) {
  const dir = path.join(featuresDir, feature, 'i18n');
  if (!existsSync(dir)) continue;
  folders.push(`../features/${feature}/i18n`);
  // A large feature may split its messages into fragments by part: i18n/<part>/{ja,en}.json.
  for (const entry of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    folders.push(`../features/${feature}/i18n/${entry.name}`);
  }
}
const files = {};
for (const folder of folders) {
  for (const name of readdirSync(path.join(i18nDir, folder)).filter((n) => n.endsWith('.json')).sort()) {
    files[`${folder}/${name}`] = JSON.parse(readFileSync(path.join(i18nDir, folder, name), 'utf8'));
  }
}
try {
  const { ja } = mergeCatalogs(files);
  console.log(`i18n: ${Object.keys(ja).length} keys in ${folders.length} fragments, ja and en alike`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
