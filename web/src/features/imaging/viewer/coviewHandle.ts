// SPDX-License-Identifier: Apache-2.0
// What the viewer offers the co-viewing client (相談, issue 15): the view state it can read and
// follow, the local user's changes and pointer, someone else's pointer drawn over the image, and a
// side panel to mount in. The co-viewing code knows the viewer only through this interface.

export interface PaneState {
  studyUid: string;
  seriesUid: string;
  /** Slice index in the stack. */
  index: number;
  voi: { center: number; width: number } | null;
  invert: boolean;
  /** Camera, as Cornerstone gives it. */
  zoom: number;
  pan: [number, number];
}

export interface ViewState {
  layout: '1x1' | '1x2' | '2x2';
  panes: PaneState[];
  active: number;
}

/** x, y in 0..1 of the pane. */
export interface Pointer {
  pane: number;
  x: number;
  y: number;
}

export interface ViewerHandle {
  studyUid: string;
  state(): ViewState;
  /** Follow the presenter. */
  apply(s: ViewState): Promise<void>;
  /** The local user changed the view. */
  onChange(cb: (s: ViewState) => void): () => void;
  /** The local pointer moved / left. */
  onPointer(cb: (p: Pointer | null) => void): () => void;
  /** Draw someone's pointer. */
  showPointer(who: string, label: string, p: Pointer | null): void;
  /** Side panel where co-viewing mounts. */
  panel: HTMLElement;
}
