// SPDX-License-Identifier: Apache-2.0
// Types of merge.js.

/**
 * Merges message fragments given by file path (`<folder>/ja.json`, `<folder>/en.json`); throws
 * when a key is in two fragments or a fragment's Japanese and English keys differ.
 */
export function mergeCatalogs(files: Record<string, Record<string, string>>): {
  ja: Record<string, string>;
  en: Record<string, string>;
};
