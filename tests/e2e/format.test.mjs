// SPDX-License-Identifier: Apache-2.0
// web/src/format.ts on its own (no server, no browser): dates and times in Japan Standard Time
// for any year. The time zone database gives Asia/Tokyo local mean time (+09:18:59) before 1888,
// which once showed an appointment at 10:00 on 1 Jan 1800 as "1800年1月1日 10:18".
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const web = resolve(import.meta.dirname, '../../web');

/** format.ts built by the web's own Vite into an ES module this test imports. */
async function buildFormat(outDir) {
  const require = createRequire(join(web, 'package.json'));
  const vite = await import(pathToFileURL(require.resolve('vite')).href);
  await vite.build({
    root: web,
    configFile: false,
    logLevel: 'silent',
    build: {
      outDir,
      emptyOutDir: true,
      lib: { entry: join(web, 'src/format.ts'), formats: ['es'], fileName: 'format' },
    },
  });
  return import(pathToFileURL(join(outDir, 'format.js')).href);
}

describe('format.ts: Japan Standard Time for any year', { timeout: 120_000 }, () => {
  let dir;
  let format;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsunagu-format-'));
    format = await buildFormat(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('an instant of 1800 and of the last day of 1899 keep their minutes', () => {
    assert.equal(format.formatDateTime('1800-01-01T01:00:00Z'), '1800年1月1日 10:00');
    assert.equal(format.formatDateTime('1800-01-01T10:18:00+09:00'), '1800年1月1日 10:18');
    assert.equal(format.formatDateTime('1899-12-31T14:59:00Z'), '1899年12月31日 23:59');
    assert.equal(format.formatDateTime('1899-12-31T15:00:00Z'), '1900年1月1日 00:00');
    assert.equal(format.formatInstantDate('1887-12-31T15:00:00Z'), '1888年1月1日');
  });

  test('a modern instant, a summer of 1948–51 and the round trip of a datetime-local', () => {
    assert.equal(format.formatDateTime('2026-11-22T03:00:00Z'), '2026年11月22日 12:00');
    assert.equal(format.formatDateTime('1950-07-01T01:00:00Z'), '1950年7月1日 10:00');
    for (const local of ['1800-01-01T10:00', '1899-12-31T23:59', '2026-12-01T10:30']) {
      const iso = format.tokyoLocalToIso(local);
      assert.equal(format.formatDateTime(iso), `${format.formatDate(local.slice(0, 10))} ${local.slice(11)}`);
    }
  });

  test('dates of any year, and today in Tokyo', () => {
    assert.equal(format.formatDate('1800-01-01'), '1800年1月1日');
    assert.equal(format.formatFhirDate('1899-12'), '1899年12月');
    assert.equal(format.todayTokyo(new Date('1800-01-01T14:59:00Z')), '1800-01-01');
    assert.equal(format.todayTokyo(new Date('1800-01-01T15:00:00Z')), '1800-01-02');
    assert.equal(format.fhirTime('1800-01-01'), Date.parse('1800-01-01T00:00:00+09:00'));
  });
});
