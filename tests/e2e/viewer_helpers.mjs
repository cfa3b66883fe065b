// SPDX-License-Identifier: Apache-2.0
// What the image viewer's browser tests and its benchmark (bench/viewer.mjs) share: a CT study of
// n slices made by pydicom from its CT_small sample with new UIDs, stored through STOW-RS as a
// user of the demo; the time from opening the viewer to its first image drawn; and the pixels of
// a pane as a screenshot shows them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_PASSWORD, repoRoot } from './server.mjs';

const PYTHON = process.env.TSUNAGU_PYTHON ?? '/usr/bin/python3';

/**
 * Runs body (Python, with dicom_helpers imported as dh) that writes Part 10 files into `dir` and
 * prints a JSON object; returns that object with the files read back in name order.
 */
function makeFiles(prefix, body) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(repoRoot, 'tests', 'api'))})
import dicom_helpers as dh
dir = ${JSON.stringify(dir)}
${body}`;
    const made = JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }));
    const files = readdirSync(dir).sort().map((name) => readFileSync(path.join(dir, name)));
    return { ...made, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Part 10 files of one CT series of count slices 5 mm apart (CT_small's pixels), for the demo
 * patient whose local id at みなみ総合病院 is patientId. Returns { study, series, files: [Buffer] }.
 */
export function makeCtStudy({ count, patientId = 'GH-000003', name = 'Suzuki^Masao=鈴木^正雄=すずき^まさお', date = '20250110', description = '胸部CT' }) {
  return makeFiles('tsunagu-viewer-ct-', `
study, series = dh.new_uid(), dh.new_uid()
for n in range(${Number(count)}):
    ds = dh.dataset("CT_small.dcm", study=study, series=series, PatientID=${JSON.stringify(patientId)},
                    IssuerOfPatientID=None, StudyDate=${JSON.stringify(date)}, StudyDescription=${JSON.stringify(description)},
                    SeriesNumber=1, InstanceNumber=n + 1, SeriesDescription="Chest")
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientName = ${JSON.stringify(name)}
    ds.ImagePositionPatient = [-158.0, -179.0, -75.0 - 5.0 * n]
    ds.SliceLocation = -75.0 - 5.0 * n
    open(f"{dir}/{n:04d}.dcm", "wb").write(dh.to_bytes(ds))
print(json.dumps({"study": study, "series": series}))
`);
}

/**
 * Part 10 files of one study with a series per sample file of pydicom (compressed ones too:
 * MR_small_jp2klossless.dcm, MR_small_jpeg_ls_lossless.dcm …), for the demo patient whose local id
 * at みなみ総合病院 is patientId. Returns { study, series: [uid per sample], files: [Buffer] }.
 */
export function makeStudyOfSamples(samples, { patientId = 'GH-000003', date = '20250210', description = '頭部MRI' } = {}) {
  return makeFiles('tsunagu-viewer-samples-', `
study, series = dh.new_uid(), []
for n, sample in enumerate(${JSON.stringify(samples)}):
    series.append(dh.new_uid())
    ds = dh.dataset(sample, study=study, series=series[-1], PatientID=${JSON.stringify(patientId)},
                    IssuerOfPatientID=None, StudyDate=${JSON.stringify(date)}, StudyDescription=${JSON.stringify(description)},
                    SeriesNumber=n + 1, InstanceNumber=1, SeriesDescription=sample)
    open(f"{dir}/{n:04d}.dcm", "wb").write(dh.to_bytes(ds))
print(json.dumps({"study": study, "series": series}))
`);
}

/** Stores files through STOW-RS (POST /dicom-web/studies) as login; throws unless all are stored. */
export async function stowAs(baseUrl, login, files) {
  const auth = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login, password: DEMO_PASSWORD }),
  });
  if (!auth.ok) throw new Error(`login ${login}: HTTP ${auth.status}`);
  const { csrf_token: csrf } = await auth.json();
  const cookie = auth.headers.getSetCookie().map((line) => line.split(';', 1)[0]).join('; ');
  const boundary = 'viewerteststowboundary';
  const parts = files.flatMap((file) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), file, Buffer.from('\r\n')]);
  const body = Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]);
  const answer = await fetch(`${baseUrl}/dicom-web/studies`, {
    method: 'POST',
    headers: {
      Cookie: cookie,
      'X-CSRF-Token': csrf,
      Accept: 'application/dicom+json',
      'Content-Type': `multipart/related; type="application/dicom"; boundary=${boundary}`,
    },
    body,
  });
  const text = await answer.text();
  if (answer.status !== 200 && answer.status !== 202) throw new Error(`STOW-RS as ${login}: HTTP ${answer.status} ${text.slice(0, 500)}`);
}

/**
 * Opens the viewer on study from the page it is on (the app loaded, signed in) and returns the
 * milliseconds until the first image is drawn, measured in the page: from setting the hash to
 * the pane's first Cornerstone IMAGE_RENDERED.
 */
export async function timeToFirstImage(page, study, query = '') {
  return page.evaluate(async (hash) => {
    const started = performance.now();
    const drawn = new Promise((resolve) => {
      const check = () => document.querySelector('[data-testid="viewer-pane"][data-drawn]') !== null;
      const observer = new MutationObserver(() => {
        if (check()) {
          observer.disconnect();
          resolve(performance.now());
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-drawn'] });
    });
    location.hash = hash;
    return (await drawn) - started;
  }, `#/imaging/view/${encodeURIComponent(study)}${query}`);
}

/**
 * The middle half of a pane (away from the overlay's corners) as a screenshot shows it: how many
 * pixels are not black, and the mean grey of each cell of an 8×8 grid (to see the pixels change).
 */
export async function panePixels(page, pane) {
  const box = await pane.boundingBox();
  const clip = { x: box.x + box.width / 4, y: box.y + box.height / 4, width: box.width / 2, height: box.height / 2 };
  const png = (await page.screenshot({ clip })).toString('base64');
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let lit = 0;
    const sums = new Array(64).fill(0);
    const counts = new Array(64).fill(0);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        const grey = (data[i] + data[i + 1] + data[i + 2]) / 3;
        if (grey > 16) lit++;
        const cell = Math.floor((y * 8) / height) * 8 + Math.floor((x * 8) / width);
        sums[cell] += grey;
        counts[cell]++;
      }
    }
    return { pixels: width * height, lit, grid: sums.map((s, i) => Math.round(s / counts[i])) };
  }, png);
}

/** Median and 95th percentile (nearest rank) of numbers. */
export function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { n: sorted.length, median: rank(50), p95: rank(95), min: sorted[0], max: sorted.at(-1) };
}
