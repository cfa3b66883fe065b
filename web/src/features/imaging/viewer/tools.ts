// SPDX-License-Identifier: Apache-2.0
// The viewer's tool group: the left button (one finger) does the chosen tool; the wheel pages
// through the stack, the right button zooms and the middle pans whatever is chosen; two fingers
// pan and zoom (pinch).
import { Enums as ToolEnums, ToolGroupManager, type Types as ToolTypes } from '@cornerstonejs/tools';
import { TOOLS } from './cornerstone';

export type PrimaryTool = 'windowLevel' | 'pan' | 'zoom' | 'scroll' | 'length' | 'angle' | 'roi';
export const PRIMARY_TOOLS: PrimaryTool[] = ['windowLevel', 'scroll', 'pan', 'zoom', 'length', 'angle', 'roi'];

const { MouseBindings } = ToolEnums;

export class ViewerTools {
  private readonly group: ToolTypes.IToolGroup;
  private primary: PrimaryTool = 'windowLevel';

  constructor(readonly id: string) {
    ToolGroupManager.destroyToolGroup(id);
    const group = ToolGroupManager.createToolGroup(id);
    if (!group) throw new Error(`tool group ${id}`);
    this.group = group;
    for (const name of Object.values(TOOLS)) group.addTool(name);
    // Measurements stay drawn when another tool is chosen.
    for (const name of [TOOLS.length, TOOLS.angle, TOOLS.roi]) group.setToolPassive(name);
    this.bindFixed();
    this.group.setToolActive(TOOLS.windowLevel, { bindings: [{ mouseButton: MouseBindings.Primary }] });
  }

  private bindFixed(): void {
    this.group.setToolActive(TOOLS.scroll, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
    this.group.setToolActive(TOOLS.zoom, { bindings: [{ mouseButton: MouseBindings.Secondary }, { numTouchPoints: 2 }] });
    this.group.setToolActive(TOOLS.pan, { bindings: [{ mouseButton: MouseBindings.Auxiliary }, { numTouchPoints: 3 }] });
  }

  /** Puts tool on the left button and one finger. */
  choose(tool: PrimaryTool): void {
    // Passive takes the left button from the previous tool and keeps its other bindings (the
    // wheel stays with scrolling), and keeps measurements drawn and editable.
    if (tool !== this.primary) this.group.setToolPassive(TOOLS[this.primary]);
    this.primary = tool;
    this.group.setToolActive(TOOLS[tool], { bindings: [{ mouseButton: MouseBindings.Primary }] });
  }

  chosen(): PrimaryTool {
    return this.primary;
  }

  addViewport(viewportId: string, engineId: string): void {
    this.group.addViewport(viewportId, engineId);
  }

  removeViewport(viewportId: string, engineId: string): void {
    this.group.removeViewports(engineId, viewportId);
  }

  destroy(): void {
    ToolGroupManager.destroyToolGroup(this.id);
  }
}
