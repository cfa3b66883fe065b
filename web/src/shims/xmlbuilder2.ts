// SPDX-License-Identifier: Apache-2.0
// Stands in for xmlbuilder2, which vtk.js (under Cornerstone3D) imports for its VTK XML file
// reader and writer. The viewer never reads or writes those files, and the real package needs
// Node's `events` module, whose absence in the browser breaks the bundle at load.
export function create(): never {
  throw new Error('VTK XML files are not supported in this viewer');
}
