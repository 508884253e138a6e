/**
 * The e2e bridge: a test-only extension installed next to CNN Lab in the e2e profile. It lets the harness run a
 * VS Code command by its id, or set a user setting, inside the extension host of one workbench tab, without
 * clicking through a quick input. This file is what both sides share (no vscode import).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

/** Environment variable (set on code-server, inherited by every extension host) naming the bridge's folder. */
export const BRIDGE_DIR_ENV = 'CNNLAB_E2E_BRIDGE_DIR';

/** Run command `command` with `args` (JSON values); the reply's `result` is its result when JSON can carry it. */
export interface ExecuteCommandRequest {
  type: 'executeCommand';
  command: string;
  args?: unknown[];
}

/** Set user (global) setting `key` to `value` through VS Code's configuration API, as the Settings editor does. */
export interface UpdateSettingRequest {
  type: 'updateSetting';
  key: string;
  value: unknown;
}

/** The ids of every command registered in the extension host. */
export interface ListCommandsRequest {
  type: 'listCommands';
}

export type BridgeRequest = ExecuteCommandRequest | UpdateSettingRequest | ListCommandsRequest;

/** HTTP 200 `{ result }`, or HTTP 500 `{ error }` with the error's message. */
export type BridgeReply = { result: unknown } | { error: string };

/** What an extension host writes once it listens: its port, for the workbench of folder `folder`. */
export interface BridgeAddress {
  port: number;
  folder: string;
}

/** The file where the extension host of the workbench showing `folder` writes its {@link BridgeAddress}. */
export function bridgeAddressFile(bridgeDir: string, folder: string): string {
  return join(bridgeDir, `${createHash('sha256').update(folder).digest('hex').slice(0, 16)}.json`);
}
