// SPDX-License-Identifier: Apache-2.0
// Merges the message fragments (the shared src/i18n/{ja,en}.json and each feature's
// features/<f>/i18n/{ja,en}.json, or features/<f>/i18n/<part>/{ja,en}.json) into one catalog per language. Plain JavaScript, so that
// scripts/check-i18n.mjs runs the very same check under Node at build time; types in merge.d.ts.

const LANGS = ['ja', 'en'];

/**
 * @param {Record<string, Record<string, string>>} files message objects by file path; the folder
 *   is the fragment, the file name (ja.json, en.json) the language
 * @returns {{ ja: Record<string, string>, en: Record<string, string> }}
 * @throws {Error} when a key is defined by two fragments, a fragment lacks a language, or a
 *   fragment's Japanese and English keys differ
 */
export function mergeCatalogs(files) {
  /** @type {Map<string, Record<string, Record<string, string>>>} */
  const fragments = new Map();
  for (const [path, messages] of Object.entries(files)) {
    const cut = path.lastIndexOf('/');
    const folder = path.slice(0, cut + 1);
    const lang = path.slice(cut + 1).replace(/\.json$/, '');
    if (!LANGS.includes(lang)) throw new Error(`i18n: ${path}: not one of ${LANGS.join(', ')}`);
    fragments.set(folder, { ...fragments.get(folder), [lang]: messages });
  }
  const problems = [];
  /** @type {Record<string, Record<string, string>>} */
  const merged = { ja: {}, en: {} };
  /** @type {Map<string, string>} */
  const definedIn = new Map();
  for (const [folder, byLang] of fragments) {
    const ja = byLang.ja ?? {};
    const en = byLang.en ?? {};
    for (const key of Object.keys(ja)) if (!(key in en)) problems.push(`${folder}: "${key}" has no English text`);
    for (const key of Object.keys(en)) if (!(key in ja)) problems.push(`${folder}: "${key}" has no Japanese text`);
    for (const key of Object.keys(ja)) {
      const other = definedIn.get(key);
      if (other) problems.push(`"${key}" is defined in ${other} and in ${folder}`);
      definedIn.set(key, folder);
    }
    Object.assign(merged.ja, ja);
    Object.assign(merged.en, en);
  }
  if (problems.length > 0) throw new Error(`i18n: ${problems.join('; ')}`);
  return { ja: merged.ja, en: merged.en };
}
